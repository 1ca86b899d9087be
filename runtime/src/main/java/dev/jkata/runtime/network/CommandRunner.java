package dev.jkata.runtime.network;

import java.util.List;

/**
 * Runs {@code ip} and {@code tc} inside one network namespace. Java cannot enter a namespace for a
 * child between fork and exec, so the real runner ({@link NsenterRunner}) goes through nsenter.
 */
@FunctionalInterface
public interface CommandRunner {

    /**
     * Runs {@code argv} ({@code ip …} or {@code tc …}) and returns its standard output.
     *
     * @throws NetworkException naming the command, its exit status and its error output
     */
    String run(List<String> argv) throws NetworkException;
}
