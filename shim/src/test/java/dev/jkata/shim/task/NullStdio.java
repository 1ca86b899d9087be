package dev.jkata.shim.task;

import java.util.concurrent.CompletableFuture;

/** Connects nothing; output is done at once. */
public final class NullStdio implements StdioConnector {
    @Override
    public Connection connect(String name, Stdio stdio, ProcessStreams streams) {
        return new Connection() {
            @Override
            public CompletableFuture<Void> outputDone() {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<Void> stdinDone() {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void close() {
            }
        };
    }
}
