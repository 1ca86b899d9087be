package dev.jkata.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleLoggerFinderTest {

    @TempDir
    Path tmp;

    @Test
    void levelComesFromTheKernelCommandLine() throws Exception {
        Path cmdline = Files.writeString(tmp.resolve("cmdline"), "console=ttyS0 agent.log=debug quiet\n");
        assertEquals(System.Logger.Level.DEBUG, ConsoleLoggerFinder.levelFromCmdline(cmdline));
        Files.writeString(cmdline, "agent.log=nonsense");
        assertEquals(System.Logger.Level.INFO, ConsoleLoggerFinder.levelFromCmdline(cmdline));
        assertEquals(System.Logger.Level.INFO, ConsoleLoggerFinder.levelFromCmdline(tmp.resolve("missing")));
    }

    @Test
    void debugIsForOurLoggersOnly() {
        ConsoleLoggerFinder f = new ConsoleLoggerFinder(System.Logger.Level.DEBUG);
        assertTrue(f.getLogger("dev.jkata.agent.Main", getClass().getModule()).isLoggable(System.Logger.Level.DEBUG));
        assertTrue(!f.getLogger("java.lang.ProcessBuilder", Object.class.getModule())
                .isLoggable(System.Logger.Level.DEBUG));
        assertTrue(f.getLogger("java.lang.ProcessBuilder", Object.class.getModule())
                .isLoggable(System.Logger.Level.INFO));
    }

    @Test
    void writesOneLinePerRecordAboveTheThreshold() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        System.Logger log = new ConsoleLoggerFinder.ConsoleLogger("dev.jkata.agent.container.Proc",
                System.Logger.Level.INFO, out);
        log.log(System.Logger.Level.DEBUG, "hidden");
        log.log(System.Logger.Level.INFO, "started {0} as pid {1}", "c1", 42);
        log.log(System.Logger.Level.WARNING, "failed", new IllegalStateException("boom"));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("kata-agent INFO Proc: started c1 as pid 42\nkata-agent WARNING Proc: failed\n"), text);
        assertTrue(text.contains("IllegalStateException: boom"), text);
        assertTrue(!text.contains("hidden"), text);
    }
}
