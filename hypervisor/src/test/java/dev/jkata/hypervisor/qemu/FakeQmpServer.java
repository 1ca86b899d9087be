package dev.jkata.hypervisor.qemu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A QMP server for tests: sends a greeting, answers each line with {@code responder} (which returns the
 * lines to send back, e.g. events followed by the reply). Serves one connection.
 */
final class FakeQmpServer implements AutoCloseable {

    static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7},"
            + " \"package\": \"fake\"}, \"capabilities\": [\"oob\"]}}";

    final List<String> received = new CopyOnWriteArrayList<>();
    private final ServerSocketChannel server;
    private final Thread thread;
    private volatile SocketChannel client;

    FakeQmpServer(Path socket, Function<String, List<String>> responder) throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = Thread.ofPlatform().daemon().start(() -> serve(responder));
    }

    private void serve(Function<String, List<String>> responder) {
        try (SocketChannel c = server.accept()) {
            client = c;
            OutputStream out = Channels.newOutputStream(c);
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c),
                    StandardCharsets.UTF_8));
            write(out, GREETING);
            String line;
            while ((line = in.readLine()) != null) {
                received.add(line);
                for (String reply : responder.apply(line)) {
                    if (reply.equals("<close>")) {
                        return;
                    }
                    write(out, reply);
                }
            }
        } catch (IOException e) {
            // connection closed by the test
        }
    }

    private static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The {@code id} member of a request line (our client always sends one). */
    static String id(String request) {
        int i = request.indexOf("\"id\":\"");
        return request.substring(i + 6, request.indexOf('"', i + 6));
    }

    static String ok(String request, String returnValue) {
        return "{\"return\": " + returnValue + ", \"id\": \"" + id(request) + "\"}";
    }

    @Override
    public void close() throws IOException {
        server.close();
        SocketChannel c = client;
        if (c != null) {
            c.close();
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
