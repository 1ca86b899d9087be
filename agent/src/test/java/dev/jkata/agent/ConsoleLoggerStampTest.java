package dev.jkata.agent;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleLoggerStampTest {

    @Test
    void uptimeStampHasMillisecondsWithLeadingZeros() {
        assertEquals("[0.000] ", ConsoleLoggerFinder.ConsoleLogger.uptimeStamp(0));
        assertEquals("[1.005] ", ConsoleLoggerFinder.ConsoleLogger.uptimeStamp(1_005_000_000L));
        assertEquals("[12.050] ", ConsoleLoggerFinder.ConsoleLogger.uptimeStamp(12_050_999_999L));
        assertEquals("[7.999] ", ConsoleLoggerFinder.ConsoleLogger.uptimeStamp(7_999_000_000L));
    }

    @Test
    void debugLevelLinesCarryTheStampInfoLevelLinesDoNot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new ConsoleLoggerFinder.ConsoleLogger("dev.jkata.agent.rpc.Calls", System.Logger.Level.DEBUG, out, true)
                .log(System.Logger.Level.DEBUG, "Check done in 1 ms");
        new ConsoleLoggerFinder.ConsoleLogger("dev.jkata.agent.rpc.Calls", System.Logger.Level.INFO, out)
                .log(System.Logger.Level.INFO, "plain");
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertTrue(lines[0].matches("kata-agent DEBUG Calls: \\[\\d+\\.\\d{3}\\] Check done in 1 ms"), lines[0]);
        assertEquals("kata-agent INFO Calls: plain", lines[1]);
    }

    @Test
    void theFinderStampsOnlyWhenConfiguredBelowInfo() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.Logger debug = new ConsoleLoggerFinder(System.Logger.Level.DEBUG).getLogger("dev.jkata.agent.X",
                getClass().getModule());
        System.Logger info = new ConsoleLoggerFinder(System.Logger.Level.INFO).getLogger("dev.jkata.agent.X",
                getClass().getModule());
        assertTrue(((ConsoleLoggerFinder.ConsoleLogger) debug).stamped());
        assertTrue(!((ConsoleLoggerFinder.ConsoleLogger) info).stamped());
        assertEquals(0, bytes.size());
    }
}
