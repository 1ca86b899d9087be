package dev.jkata.shim.io;

import dev.jkata.shim.task.ProcessStreams;
import dev.jkata.shim.task.Stdio;
import dev.jkata.shim.task.StdioConnector;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Copies between containerd's stdio fifos and a process's streams, one platform thread per stream
 * (opening a fifo blocks until the other side opens it). Output with no fifo is drained and dropped,
 * so a chatty process never blocks on a full pipe.
 */
public final class FifoStdio implements StdioConnector {
    private static final System.Logger LOG = System.getLogger(FifoStdio.class.getName());
    private static final int BUFFER = 32 * 1024;

    @Override
    public Connection connect(String name, Stdio stdio, ProcessStreams streams) {
        Live live = new Live();
        if (streams.stdin() != null && !stdio.stdin().isEmpty()) {
            live.stdinDone = copyIn(name, Path.of(stdio.stdin()), streams.stdin(), live);
        } else {
            live.stdinDone = CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> out = copyOut(name + " stdout", stdio.stdout(), streams.stdout(), live);
        CompletableFuture<Void> err = stdio.terminal()
                ? CompletableFuture.completedFuture(null)
                : copyOut(name + " stderr", stdio.stderr(), streams.stderr(), live);
        live.outputDone = CompletableFuture.allOf(out, err);
        return live;
    }

    private static CompletableFuture<Void> copyIn(String name, Path fifo, OutputStream target, Live live) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("stdin " + name).start(() -> {
            try (InputStream in = Files.newInputStream(fifo, StandardOpenOption.READ)) {
                live.track(in);
                byte[] buf = new byte[BUFFER];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    LOG.log(System.Logger.Level.DEBUG, "stdin of " + name + ": " + n + " bytes");
                    target.write(buf, 0, n);
                    target.flush();
                }
                LOG.log(System.Logger.Level.DEBUG, "stdin of " + name + ": end of input");
            } catch (IOException e) {
                if (!live.closed) {
                    LOG.log(System.Logger.Level.DEBUG, "stdin copy of " + name + " ended: " + e);
                }
            } finally {
                done.complete(null);
            }
        });
        return done;
    }

    private static CompletableFuture<Void> copyOut(String name, String fifo, InputStream source, Live live) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (source == null) {
            done.complete(null);
            return done;
        }
        live.track(source);
        Thread.ofPlatform().daemon().name(name).start(() -> {
            OutputStream out = null;
            try {
                if (!fifo.isEmpty()) {
                    out = Files.newOutputStream(Path.of(fifo), StandardOpenOption.WRITE);
                    live.track(out);
                }
                byte[] buf = new byte[BUFFER];
                int n;
                while ((n = source.read(buf)) >= 0) {
                    live.lastOutput = System.nanoTime();
                    if (out != null) {
                        try {
                            out.write(buf, 0, n);
                            out.flush();
                        } catch (IOException e) {
                            // the reader went away: keep draining so the process is not blocked
                            LOG.log(System.Logger.Level.DEBUG, name + " reader gone: " + e);
                            closeQuietly(out);
                            out = null;
                        }
                    }
                }
            } catch (IOException e) {
                if (!live.closed) {
                    LOG.log(System.Logger.Level.DEBUG, name + " copy ended: " + e);
                }
            } finally {
                closeQuietly(out);
                done.complete(null);
            }
        });
        return done;
    }

    static void closeQuietly(Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private static final class Live implements Connection {
        private final List<Closeable> open = new CopyOnWriteArrayList<>();
        volatile boolean closed;
        volatile long lastOutput;
        CompletableFuture<Void> stdinDone;
        CompletableFuture<Void> outputDone;

        void track(Closeable c) {
            open.add(c);
            if (closed) {
                closeQuietly(c);
            }
        }

        @Override
        public CompletableFuture<Void> outputDone() {
            return outputDone;
        }

        @Override
        public long lastOutputNanos() {
            return lastOutput;
        }

        @Override
        public CompletableFuture<Void> stdinDone() {
            return stdinDone;
        }

        @Override
        public void close() {
            closed = true;
            open.forEach(FifoStdio::closeQuietly);
        }
    }
}
