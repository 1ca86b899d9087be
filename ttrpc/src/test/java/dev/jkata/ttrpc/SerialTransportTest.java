package dev.jkata.ttrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.proto.ttrpc.KeyValue;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SerialTransportTest {

    private static KeyValue kv(String v) {
        return KeyValue.newBuilder().setValue(v).build();
    }

    @Test
    void serverKeepsServingTheSameDeviceAcrossHostReconnects() throws Exception {
        FakeSerialPort port = new FakeSerialPort();
        try (TtrpcServer server = new TtrpcServer()) {
            server.register("test.Echo", "Echo", KeyValue.parser(), (KeyValue r) -> kv(r.getValue() + "!"));
            server.serveDevice(port.guest());

            // no host yet: the server sees end of stream and must pause between reads, not spin
            Thread.sleep(300);
            int idleReads = port.eofReads();
            assertTrue(idleReads >= 2 && idleReads <= 30, "reads while no host is connected: " + idleReads);

            for (int session = 1; session <= 3; session++) {
                TtrpcClient c = new TtrpcClient(port.connectHost());
                for (int i = 0; i < 5; i++) {
                    assertEquals(kv("s" + session + "c" + i + "!"),
                            c.call("test.Echo", "Echo", kv("s" + session + "c" + i), KeyValue.parser(), Duration.ofSeconds(5)));
                }
                c.close(); // the host goes away; the next session uses the same guest device
            }
        }
    }

    /** A call still running when its host goes away must not answer the next host on the same port. */
    @Test
    void lateResponsesDoNotLeakIntoTheNextHostSession() throws Exception {
        FakeSerialPort port = new FakeSerialPort();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (TtrpcServer server = new TtrpcServer()) {
            server.register("test.Echo", "Slow", KeyValue.parser(), (KeyValue r) -> {
                started.countDown();
                release.await();
                return kv("stale");
            });
            java.util.concurrent.CountDownLatch gateStarted = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
            server.register("test.Echo", "Gate", KeyValue.parser(), (KeyValue r) -> {
                gateStarted.countDown();
                gate.await();
                return kv("fresh");
            });
            server.serveDevice(port.guest());

            TtrpcClient first = new TtrpcClient(port.connectHost());
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    first.call("test.Echo", "Slow", kv("x"), KeyValue.parser(), Duration.ofSeconds(30));
                } catch (TtrpcException expected) {
                    // the host went away
                }
            });
            assertTrue(started.await(5, java.util.concurrent.TimeUnit.SECONDS));
            first.close();
            caller.join(5000);
            Thread.sleep(100); // the server notices the end of the session

            TtrpcClient second = new TtrpcClient(port.connectHost());
            // the new client's first call is also stream 1, and is in flight when the old call finishes
            var fresh = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> second.call("test.Echo", "Gate", kv(""), KeyValue.parser(), Duration.ofSeconds(10)),
                    r -> Thread.ofVirtual().start(r));
            assertTrue(gateStarted.await(5, java.util.concurrent.TimeUnit.SECONDS));
            release.countDown(); // the old answer for stream 1 must be dropped, not sent to this host
            Thread.sleep(200);
            gate.countDown();
            assertEquals(kv("fresh"), fresh.get(10, java.util.concurrent.TimeUnit.SECONDS));
            second.close();
        }
    }

    /**
     * A real character device: the slave of a raw-mode pty stands in for /dev/vportNpM (opened
     * once by path, read and written through one descriptor), the master for QEMU's chardev.
     */
    @Test
    void serveSerialOverARealCharacterDevice() throws Exception {
        dev.jkata.sys.Sys sys = dev.jkata.sys.Sys.linux();
        dev.jkata.sys.Pty pty = sys.openPty();
        try (dev.jkata.sys.Fd keepSlave = pty.openSlave()) {
            sys.makeRaw(keepSlave.value());
            TtrpcServer server = new TtrpcServer();
            try {
                server.register("test.Echo", "Echo", KeyValue.parser(), (KeyValue r) -> kv(r.getValue() + "!"));
                server.serveSerial(Path.of(pty.slavePath()));
                Connection host = Connection.of("pty-master", pty.masterInput(), pty.masterOutput(), () -> { });
                try (TtrpcClient c = new TtrpcClient(host);
                        var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                    var futures = new java.util.ArrayList<java.util.concurrent.Future<KeyValue>>();
                    for (int i = 0; i < 20; i++) {
                        String v = "v" + i + "\n\r\u0003\u0004"; // bytes a cooked tty would mangle
                        futures.add(pool.submit(() -> c.call("test.Echo", "Echo", kv(v), KeyValue.parser(), Duration.ofSeconds(10))));
                    }
                    for (int i = 0; i < 20; i++) {
                        assertEquals("v" + i + "\n\r\u0003\u0004!", futures.get(i).get(20, java.util.concurrent.TimeUnit.SECONDS).getValue());
                    }
                }
            } finally {
                server.close();
                pty.close(); // hangs up the slave, which wakes the server's blocked read
            }
        }
    }

    @Test
    void openingAMissingDeviceNamesIt() {
        Path missing = Path.of("/dev/does-not-exist-vport9p9");
        IOException e = assertThrows(IOException.class, () -> Transports.serial(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        try (TtrpcServer server = new TtrpcServer()) {
            IOException s = assertThrows(IOException.class, () -> server.serveSerial(missing));
            assertTrue(s.getMessage().contains("cannot open serial device " + missing), s.getMessage());
        }
    }
}
