package dev.jkata.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UnixSocketTest {

    private final Sys sys = Sys.linux();
    private Path dir;

    @BeforeEach
    void dir() throws Exception {
        dir = Files.createTempDirectory("sys-unix");
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

    /** The console-socket pattern: listen, accept, recvmsg one fd; the peer sends a pty master. */
    @Test
    void passesAPtyMasterBetweenThreadsLikeAConsoleSocket() throws Exception {
        Path path = dir.resolve("console.sock");
        try (FdServerSocket server = UnixSocket.listen(path); Pty pty = sys.openPty()) {
            CompletableFuture<Integer> sender = CompletableFuture.supplyAsync(() -> {
                try (FdSocket c = UnixSocket.connect(path)) {
                    return c.sendFds("console".getBytes(StandardCharsets.US_ASCII), pty.master().value());
                }
            }, r -> Thread.ofPlatform().start(r));
            try (FdSocket conn = server.accept(); Fd received = conn.receiveFd()) {
                assertEquals(7, sender.get(10, TimeUnit.SECONDS));
                assertTrue(received.value() != pty.master().value());
                // the received descriptor is the same pty master: a size set through it shows on the original
                sys.setWindowSize(received.value(), new WindowSize(33, 99));
                assertEquals(new WindowSize(33, 99), sys.windowSize(pty.master().value()));
            }
        }
        assertFalse(Files.exists(path), "closing the server removes the socket file");
    }

    @Test
    void passesPipeEndsOverASocketPairWithData() throws Exception {
        FdSocket[] pair = UnixSocket.pair();
        try (FdSocket a = pair[0]; FdSocket b = pair[1]; Sys.Pipe pipe = sys.pipe()) {
            a.sendFds(new byte[] {42}, pipe.write().value(), pipe.read().value());
            byte[] buf = new byte[8];
            FdSocket.Received r = b.receive(buf, 4);
            assertEquals(1, r.length());
            assertEquals(42, buf[0]);
            assertEquals(2, r.fds().length);
            try (FdOutputStream w = new FdOutputStream(r.fds()[0]); FdInputStream rd = new FdInputStream(r.fds()[1])) {
                w.write("through".getBytes(StandardCharsets.US_ASCII));
                byte[] got = new FdInputStream(pipe.read()).readNBytes(7);
                assertEquals("through", new String(got, StandardCharsets.US_ASCII));
                assertTrue(rd.fd().value() >= 0);
            }
            // plain data still flows through the streams, and half-close gives end of stream
            a.output().write("xyz".getBytes(StandardCharsets.US_ASCII));
            a.shutdownOutput();
            assertEquals("xyz", new String(b.input().readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void receiveFdWithoutAFdIsAClearError() {
        FdSocket[] pair = UnixSocket.pair();
        try (FdSocket a = pair[0]; FdSocket b = pair[1]) {
            a.sendFds(new byte[] {1});
            SysException e = assertThrows(SysException.class, b::receiveFd);
            assertTrue(e.getMessage().contains("expected a file descriptor"), e.getMessage());
        }
    }

    @Test
    void closeWakesABlockedReader() throws Exception {
        FdSocket[] pair = UnixSocket.pair();
        try (FdSocket other = pair[1]) {
            FdSocket a = pair[0];
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return a.input().read();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, r -> Thread.ofPlatform().start(r));
            Thread.sleep(100);
            a.close();
            assertEquals(-1, read.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void connectToAMissingSocketNamesThePath() {
        Path missing = dir.resolve("nobody.sock");
        SysException e = assertThrows(SysException.class, () -> UnixSocket.connect(missing));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("connect(unix " + missing + "): ENOENT (2)", e.getMessage());
        SysException tooLong = assertThrows(SysException.class, () -> UnixSocket.connect(dir.resolve("x".repeat(120))));
        assertEquals(Errno.ENAMETOOLONG, tooLong.errno());
    }
}
