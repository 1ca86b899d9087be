package dev.jkata.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The host facts kata-runtime check and env read; tests substitute their own. */
public interface Host {
    Map<String, String> env();

    boolean exists(Path p);

    boolean isRegularFile(Path p);

    boolean isReadable(Path p);

    boolean isExecutable(Path p);

    /** Size in bytes, or -1 when it cannot be read. */
    long size(Path p);

    /** The text of a (small) file, or empty when it cannot be read. */
    Optional<String> read(Path p);

    /** Whether the file (a device) opens for reading and writing. */
    boolean opensReadWrite(Path p);

    /** Runs a command with a short timeout; its standard output, or empty when it fails. */
    Optional<String> run(List<String> command);

    /** Looks up a program on PATH. */
    Optional<Path> which(String program);

    /** The entries of a directory, sorted; empty when it cannot be read. */
    List<Path> list(Path dir);

    int cpus();
}
