package dev.jkata.ttrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.proto.ttrpc.KeyValue;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TransportsTest {

    private Path dir;

    @BeforeEach
    void dir() throws Exception {
        dir = Files.createTempDirectory("ttrpc-transports");
    }

    @AfterEach
    void clean() throws Exception {
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /** A hybrid vsock proxy as Cloud Hypervisor / Firecracker run it: CONNECT line, OK reply, then bytes. */
    @Test
    void hybridVsockHandshakeThenTtrpc() throws Exception {
        Path proxy = dir.resolve("hvsock");
        try (TtrpcServer server = new TtrpcServer();
                ServerSocketChannel ss = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.register("test.Echo", "Echo", KeyValue.parser(), (KeyValue kv) -> kv);
            ss.bind(UnixDomainSocketAddress.of(proxy));
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try {
                    SocketChannel ch = ss.accept();
                    Connection c = ChannelStreams.connection("proxy", ch);
                    String line = Transports.readLine(c.input());
                    c.output().write("OK 1073741824\n".getBytes(StandardCharsets.US_ASCII));
                    server.serve(c);
                    return line;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, r -> Thread.ofPlatform().daemon(true).start(r));
            try (TtrpcClient client = new TtrpcClient(Transports.hybridVsock(proxy, 1024))) {
                assertEquals("CONNECT 1024", seen.get(5, TimeUnit.SECONDS));
                KeyValue kv = KeyValue.newBuilder().setKey("via").setValue("hvsock").build();
                assertEquals(kv, client.call("test.Echo", "Echo", kv, KeyValue.parser(), Duration.ofSeconds(5)));
            }
        }
    }

    @Test
    void hybridVsockRefusalNamesTheReply() throws Exception {
        Path proxy = dir.resolve("hvsock");
        try (ServerSocketChannel ss = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ss.bind(UnixDomainSocketAddress.of(proxy));
            CompletableFuture.runAsync(() -> {
                try (SocketChannel ch = ss.accept()) {
                    Connection c = ChannelStreams.connection("proxy", ch);
                    Transports.readLine(c.input());
                    c.output().write("ERR no listener\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, r -> Thread.ofPlatform().daemon(true).start(r));
            IOException e = assertThrows(IOException.class, () -> Transports.hybridVsock(proxy, 1024));
            assertTrue(e.getMessage().contains("'ERR no listener'") && e.getMessage().contains("port 1024"), e.getMessage());
        }
    }

    @Test
    void unixConnectToMissingSocketNamesThePath() {
        Path missing = dir.resolve("none.sock");
        IOException e = assertThrows(IOException.class, () -> Transports.unix(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    /** There is no vsock transport on this machine: connecting fails fast and clearly. */
    @Test
    void vsockWithoutTransportFailsClearly() throws Exception {
        IOException e = assertThrows(IOException.class, () -> Transports.vsock(3, 1024));
        assertTrue(e.getMessage().startsWith("cannot connect to vsock cid 3 port 1024: "), e.getMessage());
    }

    @Test
    void listenVsockBindsAndClosesCleanly() throws Exception {
        TtrpcServer server = new TtrpcServer();
        try {
            server.listenVsock(23456);
        } catch (IOException e) {
            // a kernel without AF_VSOCK at all: the error must still name the port
            assertTrue(e.getMessage().contains("vsock port 23456"), e.getMessage());
        } finally {
            server.close();
        }
        assertTrue(server.awaitClosed(Duration.ofSeconds(1)));
    }
}
