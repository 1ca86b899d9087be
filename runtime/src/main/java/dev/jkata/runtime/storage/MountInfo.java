package dev.jkata.runtime.storage;

import java.nio.file.Path;

/** Reads fields of /proc/self/mountinfo lines (see proc(5)). */
final class MountInfo {

    private MountInfo() {
    }

    /** The mount point (5th field, octal escapes decoded) of one line, or null for a malformed line. */
    static Path mountPoint(String line) {
        String[] fields = line.split(" ");
        if (fields.length < 5) {
            return null;
        }
        return Path.of(unescape(fields[4]));
    }

    /** Decodes the kernel's {@code \ooo} escapes (space, tab, newline, backslash). */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}
