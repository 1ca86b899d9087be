package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import dev.jkata.sys.FdSocket;
import dev.jkata.sys.SysException;
import dev.jkata.sys.UnixSocket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** One request to a container's sandbox daemon over its socket. */
final class DaemonClient {

    private DaemonClient() {
    }

    /**
     * Sends {@code request} (with {@code fds}) and returns the reply, or empty when no daemon
     * answers at {@code socket} (no socket file, refused, or closed before replying).
     *
     * @throws CliException with the daemon's message when it answered with an error
     */
    static Optional<Map<String, Object>> call(Path socket, Map<String, Object> request, int... fds)
            throws CliException {
        return call(socket, 0, request, fds);
    }

    /**
     * As {@link #call(Path, Map, int...)}, retrying a refused connection for up to
     * {@code retryMillis} (the daemon binds its socket a moment before it listens).
     */
    static Optional<Map<String, Object>> call(Path socket, long retryMillis, Map<String, Object> request, int... fds)
            throws CliException {
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        long deadline = System.nanoTime() + retryMillis * 1_000_000L;
        FdSocket s;
        while (true) {
            try {
                s = UnixSocket.connect(socket);
                break;
            } catch (SysException e) {
                if (System.nanoTime() >= deadline) {
                    return Optional.empty();
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
        try (FdSocket conn = s) {
            Wire.send(conn, request, fds);
            Wire.Message reply = Wire.receive(conn);
            if (reply == null) {
                return Optional.empty();
            }
            Object error = reply.body().get("error");
            if (error != null) {
                throw new CliException(CliException.FAILURE, String.valueOf(error));
            }
            return Optional.of(reply.body());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
