package dev.jkata.ttrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.proto.ttrpc.KeyValue;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A broken frame closes the connection it came on, and nothing else. */
class BadFramesTest {

    private static final HexFormat HEX = HexFormat.of();

    private Path dir;
    private Path sock;
    private TtrpcServer server;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("ttrpc-bad");
        sock = dir.resolve("s.sock");
        server = new TtrpcServer();
        server.register("test.Echo", "Echo", KeyValue.parser(), (KeyValue kv) -> kv);
        server.listenUnix(sock);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        Files.deleteIfExists(sock);
        Files.delete(dir);
    }

    @Test
    void oversizedFrameClosesOnlyThatConnection() throws Exception {
        // length 4 MiB + 1, then some bytes: the server must not try to read 4 MiB
        assertClosedByServer(HEX.parseHex("00400001" + "00000001" + "01" + "00" + "0a0161"));
    }

    @Test
    void hugeLengthClosesOnlyThatConnection() throws Exception {
        assertClosedByServer(HEX.parseHex("ffffffff" + "00000001" + "01" + "00"));
    }

    @Test
    void unknownFrameTypeClosesOnlyThatConnection() throws Exception {
        assertClosedByServer(HEX.parseHex("00000000" + "00000001" + "07" + "00"));
    }

    @Test
    void undecodableRequestClosesOnlyThatConnection() throws Exception {
        assertClosedByServer(HEX.parseHex("00000002" + "00000001" + "01" + "00" + "0aff"));
    }

    @Test
    void responseFrameSentToAServerClosesOnlyThatConnection() throws Exception {
        assertClosedByServer(HEX.parseHex("00000000" + "00000001" + "02" + "00"));
    }

    @Test
    void clientTreatsAGarbledServerAsAClosedConnection() throws Exception {
        Path evil = dir.resolve("evil.sock");
        try (var ss = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ss.bind(java.net.UnixDomainSocketAddress.of(evil));
            CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> {
                try (var ch = ss.accept()) {
                    ch.read(java.nio.ByteBuffer.allocate(64));
                    ch.write(java.nio.ByteBuffer.wrap(HEX.parseHex("00500000" + "00000001" + "02" + "00")));
                    Thread.sleep(2000);
                } catch (Exception e) {
                    // the client hangs up first
                }
            }, r -> Thread.ofPlatform().daemon(true).start(r));
            TtrpcClient c = new TtrpcClient(Transports.unix(evil));
            TtrpcException e = org.junit.jupiter.api.Assertions.assertThrows(TtrpcException.class,
                    () -> c.call("test.Echo", "Echo", KeyValue.getDefaultInstance(), KeyValue.parser(), Duration.ofSeconds(5)));
            assertEquals(Code.UNAVAILABLE, e.code());
            assertTrue(e.getMessage().contains("exceeds the maximum"), e.getMessage());
            assertTrue(c.isClosed());
            peer.cancel(true);
        } finally {
            Files.deleteIfExists(evil);
        }
    }

    private void assertClosedByServer(byte[] garbage) throws Exception {
        try (TtrpcClient good = new TtrpcClient(Transports.unix(sock))) {
            KeyValue kv = KeyValue.newBuilder().setKey("k").build();
            assertEquals(kv, good.call("test.Echo", "Echo", kv, KeyValue.parser(), Duration.ofSeconds(5)));
            Connection bad = Transports.unix(sock);
            try {
                OutputStream out = bad.output();
                out.write(garbage);
                out.flush();
                InputStream in = bad.input();
                CompletableFuture<Integer> eof = CompletableFuture.supplyAsync(() -> {
                    try {
                        return in.read();
                    } catch (java.io.IOException e) {
                        return -2; // reset by the server also counts as closed
                    }
                }, r -> Thread.ofPlatform().daemon(true).start(r));
                int r = eof.get(5, TimeUnit.SECONDS);
                assertTrue(r < 0, "server should close the bad connection, read " + r);
            } finally {
                bad.close();
            }
            // the other connection keeps working, and new ones are accepted
            assertEquals(kv, good.call("test.Echo", "Echo", kv, KeyValue.parser(), Duration.ofSeconds(5)));
            try (TtrpcClient fresh = new TtrpcClient(Transports.unix(sock))) {
                assertEquals(kv, fresh.call("test.Echo", "Echo", kv, KeyValue.parser(), Duration.ofSeconds(5)));
            }
        }
    }
}
