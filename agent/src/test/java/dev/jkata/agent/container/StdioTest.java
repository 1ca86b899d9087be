package dev.jkata.agent.container;

import dev.jkata.agent.AgentException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StdioTest {

    private static String drain(Stdio io, boolean out) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] chunk;
        while ((chunk = out ? io.readStdout(7) : io.readStderr(7)) != null) {
            b.writeBytes(chunk);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void pipesCarryStdinToStdoutAndEndWithNull() throws Exception {
        Process p = new ProcessBuilder("/bin/cat").start();
        Stdio io = new Stdio.Pipes(p);
        io.writeStdin("hello ".getBytes(StandardCharsets.UTF_8));
        io.writeStdin("world\n".getBytes(StandardCharsets.UTF_8));
        io.closeStdin();
        assertEquals("hello world\n", drain(io, true));
        assertNull(io.readStderr(10));
        assertEquals(0, p.waitFor());
        assertThrows(AgentException.class, () -> io.writeStdin(new byte[] {1}), "stdin closed");
        assertThrows(AgentException.class, () -> io.resize(10, 10), "no terminal");
    }

    @Test
    void largeOutputIsNotLostWithASlowReader() throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", "head -c 300000 /dev/zero; echo err >&2").start();
        Stdio io = new Stdio.Pipes(p);
        Thread.sleep(200);
        byte[] all = drain(io, true).getBytes(StandardCharsets.UTF_8);
        assertEquals(300000, all.length);
        assertArrayEquals(new byte[300000], all);
        assertEquals("err\n", drain(io, false));
        p.waitFor(10, TimeUnit.SECONDS);
        io.release();
    }

    @Test
    void exitStatusesFollowTheShellConvention() {
        assertEquals(3, ExitStatus.fromWaitStatus(3 << 8));
        assertEquals(137, ExitStatus.fromWaitStatus(9));
        assertEquals(143, ExitStatus.fromWaitStatus(15));
        assertEquals(143, ExitStatus.fromRuntime(143));
        assertEquals(255, ExitStatus.fromRuntime(-1));
    }
}
