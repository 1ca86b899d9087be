import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Benchmark probe: waits until the agent behind a QEMU virtio-serial chardev socket answers
 * ttrpc grpc.Health/Check, then prints the wall-clock time of the answer (epoch milliseconds).
 * Run as a single-file program: {@code java AgentProbe.java SOCKET TIMEOUT_SECONDS [MARKER]};
 * MARKER, when given, is written once the probe is polling for the socket.
 * Exit 0 on an answer, 1 on timeout or error (message on stderr).
 */
public final class AgentProbe {

    private static final int HEADER = 10;
    private static final byte TYPE_REQUEST = 1;
    private static final byte TYPE_RESPONSE = 2;

    public static void main(String[] args) throws Exception {
        if (args.length != 2 && args.length != 3) {
            System.err.println("usage: AgentProbe SOCKET TIMEOUT_SECONDS [STARTED_MARKER_FILE]");
            System.exit(2);
        }
        Path socket = Path.of(args[0]);
        long deadline = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
        if (args.length == 3) {
            // Tells the caller the JVM is up and polling, so QEMU can be started now.
            Files.writeString(Path.of(args[2]), "started\n");
        }
        SocketChannel ch = null;
        while (ch == null) {
            if (System.nanoTime() > deadline) {
                fail("agent socket " + socket + " could not be connected before the deadline");
            }
            if (Files.exists(socket)) {
                try {
                    ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                } catch (IOException e) {
                    ch = null;
                }
            }
            if (ch == null) {
                Thread.sleep(20);
            }
        }
        // On virtio-serial the request waits in the port until the agent opens it, so one
        // request on one connection is enough; a watchdog thread enforces the deadline.
        SocketChannel conn = ch;
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                System.err.println("AgentProbe: no Health/Check answer from " + socket + " before the deadline");
                System.exit(1);
            } catch (InterruptedException ignored) {
                // answered
            }
        });
        OutputStream out = Channels.newOutputStream(conn);
        out.write(frame(1, request("grpc.Health", "Check", 10_000_000_000L)));
        out.flush();
        DataInputStream in = new DataInputStream(Channels.newInputStream(conn));
        byte[] header = new byte[HEADER];
        in.readFully(header);
        ByteBuffer h = ByteBuffer.wrap(header);
        int length = h.getInt();
        int stream = h.getInt();
        byte type = h.get();
        if (type != TYPE_RESPONSE || stream != 1 || length < 0 || length > 4 << 20) {
            fail("unexpected ttrpc frame from " + socket + ": type " + type + ", stream " + stream + ", length " + length);
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        long at = System.currentTimeMillis();
        watchdog.interrupt();
        // Response.status is field 1; a non-OK status has a non-zero code (field 1 inside it).
        if (length >= 2 && payload[0] == 0x0a && payload[1] > 0 && payload.length > 3 && payload[2] == 0x08 && payload[3] != 0) {
            fail("agent answered Health/Check with status code " + payload[3]);
        }
        System.out.println(at);
        conn.close();
    }

    private static byte[] request(String service, String method, long timeoutNanos) {
        var b = new java.io.ByteArrayOutputStream();
        field(b, 1, service.getBytes(StandardCharsets.UTF_8));
        field(b, 2, method.getBytes(StandardCharsets.UTF_8));
        field(b, 3, new byte[0]);
        b.write(4 << 3);
        varint(b, timeoutNanos);
        return b.toByteArray();
    }

    private static void field(java.io.ByteArrayOutputStream b, int number, byte[] value) {
        b.write(number << 3 | 2);
        varint(b, value.length);
        b.writeBytes(value);
    }

    private static void varint(java.io.ByteArrayOutputStream b, long v) {
        while ((v & ~0x7FL) != 0) {
            b.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b.write((int) v);
    }

    private static byte[] frame(int stream, byte[] payload) {
        ByteBuffer f = ByteBuffer.allocate(HEADER + payload.length);
        f.putInt(payload.length).putInt(stream).put(TYPE_REQUEST).put((byte) 0).put(payload);
        return f.array();
    }

    private static void fail(String message) {
        System.err.println("AgentProbe: " + message);
        System.exit(1);
    }
}
