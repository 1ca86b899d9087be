package dev.jkata.agent.container;

import dev.jkata.sys.Fd;
import dev.jkata.sys.FdInputStream;
import dev.jkata.sys.FdOutputStream;
import dev.jkata.sys.Pty;
import dev.jkata.sys.Sys;
import dev.jkata.sys.WindowSize;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The terminal side of Stdio over a real pty, the test holding the slave end. */
class TtyStdioTest {

    @Test
    void readsWritesResizesAndEndsWhenTheSlaveCloses() throws Exception {
        Pty pty = Pty.open();
        Sys sys = Sys.linux();
        Fd slave = pty.openSlave();
        sys.makeRaw(slave.value());
        Process stand = new ProcessBuilder("/bin/sleep", "30").start();
        Stdio.Tty tty = new Stdio.Tty(pty.master(), stand);
        try {
            tty.resize(33, 77);
            assertEquals(new WindowSize(33, 77), sys.windowSize(slave.value()));

            new FdOutputStream(slave).write("from the process".getBytes(StandardCharsets.UTF_8));
            assertEquals("from the process", new String(tty.readStdout(100), StandardCharsets.UTF_8));

            tty.writeStdin("typed".getBytes(StandardCharsets.UTF_8));
            byte[] got = new byte[5];
            int n = new FdInputStream(slave).read(got, 0, 5);
            assertArrayEquals("typed".getBytes(StandardCharsets.UTF_8), java.util.Arrays.copyOf(got, n));

            slave.close();
            assertNull(tty.readStdout(100), "end of stream once the slave is gone (EIO)");
            stand.destroy();
            assertNull(tty.readStderr(100), "a terminal has no separate stderr");
        } finally {
            stand.destroyForcibly();
            tty.release();
        }
    }
}
