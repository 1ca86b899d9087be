package dev.jkata.agent.container;

import dev.jkata.agent.AgentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OciRuntimeTest {

    @TempDir
    Path tmp;

    private final OciRuntime crun = OciRuntime.crun();

    @Test
    void runAndExecCommandLines() {
        Path b = Path.of("/run/kata-containers/c1");
        assertEquals(List.of("/usr/bin/crun", "--root", "/run/crun", "--log", b + "/crun.log", "run", "--bundle",
                b.toString(), "--pid-file", b + "/init.pid", "c1"),
                crun.run("c1", b, null, b.resolve("init.pid"), b.resolve("crun.log")).command());
        assertEquals(List.of("/usr/bin/crun", "--root", "/run/crun", "--log", b + "/e/crun.log", "exec", "--process",
                b + "/e/process.json", "--console-socket", b + "/e/console.sock", "--pid-file", b + "/e/pid", "c1"),
                crun.exec("c1", b.resolve("e/process.json"), b.resolve("e/console.sock"), b.resolve("e/pid"),
                        b.resolve("e/crun.log")).command());
    }

    @Test
    void failedCommandsCarryTheirOutput() throws Exception {
        Path fake = tmp.resolve("fake-runtime");
        Files.writeString(fake, "#!/bin/sh\necho \"container $5 does not exist\" >&2\nexit 1\n");
        fake.toFile().setExecutable(true);
        OciRuntime rt = new OciRuntime(fake, tmp);
        AgentException e = assertThrows(AgentException.class, () -> rt.pause("c9"));
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("exit 1"), e.getMessage());
        rt.delete("c9"); // a container the runtime no longer knows is already deleted
        assertEquals("", OciRuntime.tail(tmp.resolve("no-log")));
        Files.writeString(tmp.resolve("log"), "a\nb\nc\nd\ne\nf\ng\n");
        assertEquals("c; d; e; f; g", OciRuntime.tail(tmp.resolve("log")));
    }
}
