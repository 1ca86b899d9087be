package dev.jkata.agent.os;

import dev.jkata.agent.AgentException;
import dev.jkata.sys.Fd;
import dev.jkata.sys.FdSocket;
import dev.jkata.sys.Pty;
import dev.jkata.sys.UnixSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The --console-socket handshake, with this test playing the runtime that sends a pty master. */
class ConsoleSocketTest {

    @TempDir
    Path tmp;

    @Test
    void receivesThePassedTerminal() throws Exception {
        Path path = tmp.resolve("console.sock");
        try (ConsoleSocket cs = ConsoleSocket.listen(path); Pty pty = Pty.open()) {
            Thread runtime = Thread.ofPlatform().start(() -> {
                try (FdSocket s = UnixSocket.connect(path)) {
                    s.sendFds(new byte[] {'x'}, pty.master().value());
                }
            });
            try (Fd master = cs.receiveMaster(() -> true, 10_000)) {
                assertTrue(master.value() != pty.master().value(), "a new descriptor for the same terminal");
                Native.setWindowSize(master.value(), 24, 80);
            }
            runtime.join();
        }
        assertFalse(Files.exists(path), "socket file removed on close");
    }

    @Test
    void givesUpWhenTheRuntimeDies() {
        Path path = tmp.resolve("console2.sock");
        AtomicBoolean alive = new AtomicBoolean(true);
        try (ConsoleSocket cs = ConsoleSocket.listen(path)) {
            Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
                alive.set(false);
            });
            AgentException e = assertThrows(AgentException.class, () -> cs.receiveMaster(alive::get, 60_000));
            assertTrue(e.getMessage().contains("exited before sending the terminal"), e.getMessage());
        }
        AgentException e = assertThrows(AgentException.class,
                () -> ConsoleSocket.listen(tmp.resolve("x".repeat(120))));
        assertTrue(e.getMessage().contains("too long"), e.getMessage());
    }
}
