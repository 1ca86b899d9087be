package dev.jkata.agent.os;

import dev.jkata.agent.AgentException;
import dev.jkata.sys.Fd;
import dev.jkata.sys.FdServerSocket;
import dev.jkata.sys.FdSocket;
import dev.jkata.sys.SysException;
import dev.jkata.sys.UnixSocket;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * A listening unix socket for an OCI runtime's {@code --console-socket}: the runtime connects
 * and passes the pty master with SCM_RIGHTS; {@link #receiveMaster} returns that descriptor.
 */
public final class ConsoleSocket implements AutoCloseable {

    private final Path path;
    private final FdServerSocket server;

    private ConsoleSocket(Path path, FdServerSocket server) {
        this.path = path;
        this.server = server;
    }

    public Path path() {
        return path;
    }

    /** Binds and listens on {@code path} (at most 107 bytes). */
    public static ConsoleSocket listen(Path path) {
        if (path.toString().getBytes(StandardCharsets.UTF_8).length > 107) {
            throw AgentException.invalid("console socket path too long (max 107 bytes): " + path);
        }
        try {
            return new ConsoleSocket(path, UnixSocket.listen(path));
        } catch (SysException e) {
            throw Native.failure(e);
        }
    }

    /**
     * Waits for the runtime to connect and send the pty master; gives up when {@code alive}
     * turns false (the runtime died) or after {@code timeoutMillis}.
     */
    public Fd receiveMaster(BooleanSupplier alive, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                while (alive.getAsBoolean() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                server.close();
            } catch (InterruptedException e) {
                // the master arrived
            }
        });
        try (FdSocket conn = server.accept()) {
            return conn.receiveFd();
        } catch (SysException e) {
            if (server.fd().isClosed()) {
                throw AgentException.internal(alive.getAsBoolean()
                        ? "no terminal received on " + path + " within " + timeoutMillis + " ms"
                        : "the runtime exited before sending the terminal to " + path, e);
            }
            throw Native.failure(e);
        } finally {
            watchdog.interrupt();
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
