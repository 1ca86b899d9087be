package dev.jkata.ttrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.proto.ttrpc.KeyValue;
import dev.jkata.proto.ttrpc.StringList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UnixRoundTripTest {

    private Path dir;
    private Path sock;
    private TtrpcServer server;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("ttrpc-test");
        sock = dir.resolve("s.sock");
        server = new TtrpcServer();
        server.register("test.Echo", "Echo", KeyValue.parser(),
                (KeyValue kv) -> KeyValue.newBuilder().setKey(kv.getKey()).setValue(kv.getValue() + "!").build());
        server.register("test.Echo", "Sleep", KeyValue.parser(), (KeyValue kv) -> {
            Thread.sleep(Long.parseLong(kv.getValue()));
            return kv;
        });
        server.register("test.Echo", "Deadline", KeyValue.parser(), (KeyValue kv, CallContext ctx) ->
                KeyValue.newBuilder().setKey(ctx.fullMethod())
                        .setValue(ctx.deadline().isPresent() + " " + CallContext.current().remaining().map(d -> d.toMillis() > 0).orElse(false))
                        .build());
        server.register("test.Echo", "Fail", KeyValue.parser(), (KeyValue kv) -> {
            if (kv.getKey().equals("status")) {
                throw new TtrpcException(Code.NOT_FOUND, "no such thing: " + kv.getValue());
            }
            throw new IllegalStateException("boom " + kv.getValue());
        });
        server.listenUnix(sock);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        Files.deleteIfExists(sock);
        Files.deleteIfExists(dir);
    }

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(v).build();
    }

    @Test
    void simpleCall() throws Exception {
        try (TtrpcClient c = new TtrpcClient(Transports.unix(sock))) {
            KeyValue r = c.call("test.Echo", "Echo", kv("a", "b"), KeyValue.parser(), Duration.ofSeconds(5));
            assertEquals(kv("a", "b!"), r);
        }
    }

    @Test
    void fiftyConcurrentCallsCompleteOutOfOrder() throws Exception {
        try (TtrpcClient c = new TtrpcClient(Transports.unix(sock));
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<KeyValue>> futures = new ArrayList<>();
            List<String> finished = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 50; i++) {
                // earlier calls sleep longer, so responses arrive in reverse order
                String sleep = Integer.toString((50 - i) * 8);
                futures.add(pool.submit(() -> {
                    KeyValue r = c.call("test.Echo", "Sleep", kv("k", sleep), KeyValue.parser(), Duration.ofSeconds(20));
                    finished.add(r.getValue());
                    return r;
                }));
                Thread.sleep(1);
            }
            for (int i = 0; i < 50; i++) {
                assertEquals(Integer.toString((50 - i) * 8), futures.get(i).get(30, TimeUnit.SECONDS).getValue());
            }
            assertEquals(50, finished.size());
            assertTrue(Integer.parseInt(finished.get(0)) < Integer.parseInt(finished.get(49)),
                    "short calls should finish first: " + finished);
        }
    }

    @Test
    void deadlineExceededLocallyAndSentToServer() throws Exception {
        try (TtrpcClient c = new TtrpcClient(Transports.unix(sock))) {
            long t0 = System.nanoTime();
            TtrpcException e = assertThrows(TtrpcException.class,
                    () -> c.call("test.Echo", "Sleep", kv("k", "3000"), KeyValue.parser(), Duration.ofMillis(200)));
            assertEquals(Code.DEADLINE_EXCEEDED, e.code());
            assertTrue(e.getMessage().contains("/test.Echo/Sleep"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "timed out late");
            KeyValue d = c.call("test.Echo", "Deadline", kv("", ""), KeyValue.parser(), Duration.ofSeconds(5));
            assertEquals(kv("/test.Echo/Deadline", "true true"), d);
            KeyValue none = c.call("test.Echo", "Deadline", kv("", ""), KeyValue.parser(), null);
            assertEquals("false false", none.getValue());
            // the connection still works after a timeout
            assertEquals("x!", c.call("test.Echo", "Echo", kv("", "x"), KeyValue.parser(), Duration.ofSeconds(5)).getValue());
        }
    }

    @Test
    void unimplementedNamesTheMethod() throws Exception {
        try (TtrpcClient c = new TtrpcClient(Transports.unix(sock))) {
            TtrpcException e = assertThrows(TtrpcException.class,
                    () -> c.call("test.Echo", "Nope", kv("", ""), KeyValue.parser(), Duration.ofSeconds(5)));
            assertEquals(Code.UNIMPLEMENTED, e.code());
            assertTrue(e.getMessage().contains("/test.Echo/Nope"), e.getMessage());
            TtrpcException s = assertThrows(TtrpcException.class,
                    () -> c.call("other.Svc", "Echo", kv("", ""), KeyValue.parser(), Duration.ofSeconds(5)));
            assertTrue(s.getMessage().contains("/other.Svc/Echo"), s.getMessage());
        }
    }

    @Test
    void handlerErrorsBecomeStatusesAndKeepTheConnection() throws Exception {
        try (TtrpcClient c = new TtrpcClient(Transports.unix(sock))) {
            TtrpcException status = assertThrows(TtrpcException.class,
                    () -> c.call("test.Echo", "Fail", kv("status", "x"), KeyValue.parser(), Duration.ofSeconds(5)));
            assertEquals(Code.NOT_FOUND, status.code());
            assertEquals("no such thing: x", status.getMessage());
            TtrpcException internal = assertThrows(TtrpcException.class,
                    () -> c.call("test.Echo", "Fail", kv("rt", "y"), KeyValue.parser(), Duration.ofSeconds(5)));
            assertEquals(Code.INTERNAL, internal.code());
            assertTrue(internal.getMessage().contains("boom y"), internal.getMessage());
            assertEquals("z!", c.call("test.Echo", "Echo", kv("", "z"), KeyValue.parser(), Duration.ofSeconds(5)).getValue());
        }
    }

    @Test
    void undecodableRequestPayloadIsInvalidArgument() throws Exception {
        try (TtrpcClient c = new TtrpcClient(Transports.unix(sock))) {
            // a StringList with field 1 as a string decodes as KeyValue; bytes 0x0a 0xff do not
            com.google.protobuf.Message bad = StringList.newBuilder().build();
            TtrpcException e = assertThrows(TtrpcException.class, () -> c.call("test.Echo", "Echo",
                    new RawMessage(new byte[] {0x0a, (byte) 0xff}), KeyValue.parser(), Duration.ofSeconds(5)));
            assertEquals(Code.INVALID_ARGUMENT, e.code());
            assertTrue(e.getMessage().contains("/test.Echo/Echo"), e.getMessage());
            assertEquals(0, c.call("test.Echo", "Echo", bad, KeyValue.parser(), Duration.ofSeconds(5)).getKey().length());
        }
    }

    @Test
    void serverCloseFailsPendingCallsWithUnavailableAndFiresOnClose() throws Exception {
        TtrpcClient c = new TtrpcClient(Transports.unix(sock));
        CountDownLatch closed = new CountDownLatch(1);
        c.onClose(closed::countDown);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<KeyValue> slow = pool.submit(() ->
                    c.call("test.Echo", "Sleep", kv("k", "10000"), KeyValue.parser(), Duration.ofSeconds(30)));
            Thread.sleep(200);
            server.close();
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> slow.get(10, TimeUnit.SECONDS));
            assertEquals(Code.UNAVAILABLE, ((TtrpcException) e.getCause()).code());
        }
        assertTrue(closed.await(5, TimeUnit.SECONDS));
        assertTrue(c.isClosed());
        assertEquals(Code.UNAVAILABLE, assertThrows(TtrpcException.class,
                () -> c.call("test.Echo", "Echo", kv("", ""), KeyValue.parser(), Duration.ofSeconds(1))).code());
        CountDownLatch late = new CountDownLatch(1);
        c.onClose(late::countDown);
        assertEquals(0, late.getCount());
        assertFalse(Files.exists(sock), "socket file removed on close");
    }
}
