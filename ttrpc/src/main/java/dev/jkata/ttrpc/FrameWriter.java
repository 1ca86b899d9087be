package dev.jkata.ttrpc;

import java.io.IOException;
import java.io.OutputStream;

/** Writes whole frames to one output, one writer at a time. */
final class FrameWriter {

    private final OutputStream out;
    private final Object lock = new Object();

    FrameWriter(OutputStream out) {
        this.out = out;
    }

    void write(Frame frame) throws IOException {
        byte[] bytes = frame.encode();
        synchronized (lock) {
            out.write(bytes);
            out.flush();
        }
    }
}
