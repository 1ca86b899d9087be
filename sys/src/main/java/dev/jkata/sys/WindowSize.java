package dev.jkata.sys;

/** A terminal's size (struct winsize). Values are unsigned 16-bit. */
public record WindowSize(int rows, int cols, int xpixel, int ypixel) {

    public WindowSize {
        check("rows", rows);
        check("cols", cols);
        check("xpixel", xpixel);
        check("ypixel", ypixel);
    }

    public WindowSize(int rows, int cols) {
        this(rows, cols, 0, 0);
    }

    private static void check(String what, int v) {
        if (v < 0 || v > 0xffff) {
            throw new IllegalArgumentException("window size " + what + " must be 0..65535, got " + v);
        }
    }
}
