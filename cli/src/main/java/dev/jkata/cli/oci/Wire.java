package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import dev.jkata.sys.FdSocket;
import dev.jkata.sys.SysException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sandbox daemon's protocol: one JSON object per line in each direction over a unix socket.
 * A request may carry file descriptors (SCM_RIGHTS) on its first bytes: the container's stdio and
 * the write end of the pid-file process's exit pipe. Replies are {@code {"ok":true,…}} or
 * {@code {"error":"message"}}.
 */
final class Wire {

    /** A message with the descriptors that came along (owned by the receiver). */
    record Message(Map<String, Object> body, int[] fds) {
    }

    private static final int MAX_LINE = 1 << 20;

    private Wire() {
    }

    static void send(FdSocket socket, Map<String, Object> body, int... fds) throws IOException {
        byte[] data = (JsonText.write(body) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            int sent = fds.length == 0 ? 0 : socket.sendFds(data, fds);
            if (sent < data.length) {
                socket.output().write(data, sent, data.length - sent);
                socket.output().flush();
            }
        } catch (SysException e) {
            throw new IOException("sending to " + socket.name() + ": " + e.getMessage(), e);
        }
    }

    /** Reads one line with its descriptors; null at end of stream. */
    static Message receive(FdSocket socket) throws IOException, CliException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        List<Integer> fds = new ArrayList<>();
        byte[] one = new byte[1];
        while (true) {
            int n;
            try {
                // one byte at a time: the bytes after the newline belong to the next message
                FdSocket.Received r = socket.receive(one, 8);
                for (int fd : r.fds()) {
                    fds.add(fd);
                }
                n = r.length();
            } catch (SysException e) {
                throw new IOException("reading from " + socket.name() + ": " + e.getMessage(), e);
            }
            if (n <= 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new IOException(socket.name() + ": connection closed in the middle of a message");
            }
            if (one[0] == '\n') {
                break;
            }
            line.write(one[0]);
            if (line.size() > MAX_LINE) {
                throw new IOException(socket.name() + ": message longer than " + MAX_LINE + " bytes");
            }
        }
        Map<String, Object> body = JsonText.parseObject(line.toString(StandardCharsets.UTF_8), socket.name());
        return new Message(body, fds.stream().mapToInt(Integer::intValue).toArray());
    }
}
