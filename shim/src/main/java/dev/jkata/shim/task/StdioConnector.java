package dev.jkata.shim.task;

import java.util.concurrent.CompletableFuture;

/** Connects containerd's stdio fifos to a process's streams. */
@FunctionalInterface
public interface StdioConnector {
    /** A live connection: {@code outputDone} completes when stdout and stderr reached EOF. */
    interface Connection extends AutoCloseable {
        CompletableFuture<Void> outputDone();

        /** Nanotime ({@link System#nanoTime()}) of the last output bytes moved; 0 when none yet. */
        default long lastOutputNanos() {
            return 0;
        }

        /** Completes when the stdin copy ended (EOF on the fifo, or no stdin). */
        CompletableFuture<Void> stdinDone();

        @Override
        void close();
    }

    Connection connect(String name, Stdio stdio, ProcessStreams streams);
}
