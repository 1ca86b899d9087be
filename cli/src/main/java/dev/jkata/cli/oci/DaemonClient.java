package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import dev.jkata.sys.FdSocket;
import dev.jkata.sys.SysException;
import dev.jkata.sys.UnixSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
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
        if (fds.length == 0) {
            return plainCall(socket, deadline, request);
        }
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

    /**
     * A request without descriptors through the JDK's own unix sockets: the short verbs (state,
     * kill, start …) then load no FFM bindings, which keeps their start-up small.
     */
    private static Optional<Map<String, Object>> plainCall(Path socket, long deadline, Map<String, Object> request)
            throws CliException {
        SocketChannel ch;
        while (true) {
            try {
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            } catch (IOException e) {
                throw new CliException(CliException.FAILURE, "opening a unix socket: " + e.getMessage(), e);
            }
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                break;
            } catch (IOException e) {
                closeQuietly(ch);
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
        try (SocketChannel c = ch) {
            ByteBuffer out = ByteBuffer.wrap((JsonText.write(request) + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                c.write(out);
            }
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (true) {
                in.clear();
                int n = c.read(in);
                if (n < 0) {
                    return Optional.empty();
                }
                for (int i = 0; i < n; i++) {
                    byte b = in.get(i);
                    if (b == '\n') {
                        Map<String, Object> reply = JsonText.parseObject(line.toString(StandardCharsets.UTF_8),
                                socket.toString());
                        Object error = reply.get("error");
                        if (error != null) {
                            throw new CliException(CliException.FAILURE, String.valueOf(error));
                        }
                        return Optional.of(reply);
                    }
                    line.write(b);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
