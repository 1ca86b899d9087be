package dev.jkata.deploy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The whole new content of one host file. */
record FileEdit(Path path, byte[] content) {
    FileEdit(Path path, String text) {
        this(path, text.getBytes(StandardCharsets.UTF_8));
    }
}
