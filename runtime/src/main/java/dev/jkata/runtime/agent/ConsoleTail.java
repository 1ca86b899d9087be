package dev.jkata.runtime.agent;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The last lines of a VM's console log, for error messages. */
public final class ConsoleTail {

    private ConsoleTail() {
    }

    /** Up to the last {@code maxBytes} of {@code file}, or a note why it could not be read. */
    public static String of(Path file, int maxBytes) {
        if (file == null) {
            return "(no console log)";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            long from = Math.max(0, length - maxBytes);
            byte[] data = new byte[(int) (length - from)];
            f.seek(from);
            f.readFully(data);
            String text = new String(data, StandardCharsets.UTF_8);
            if (from > 0) {
                int nl = text.indexOf('\n');
                text = "…" + (nl >= 0 ? text.substring(nl) : text);
            }
            return text.isBlank() ? "(console log " + file + " is empty)" : text;
        } catch (IOException e) {
            return "(console log " + file + " unreadable: " + e.getMessage() + ")";
        }
    }
}
