package dev.jkata.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.cli.CliException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLogTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T05:00:00Z"), ZoneOffset.UTC);

    @Test
    void jsonLinesAreRuncs(@TempDir Path dir) throws IOException, CliException {
        Path file = dir.resolve("log.json");
        OciLog log = new OciLog(Optional.of(file), true, false, CLOCK);
        log.error("container \"x\" does not exist");
        log.debug("not written without --debug");
        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size());
        assertEquals("{\"level\":\"error\",\"msg\":\"container \\\"x\\\" does not exist\",\"time\":\"2026-11-23T05:00:00Z\"}",
                lines.getFirst());
        Map<String, Object> m = JsonText.parseObject(lines.getFirst(), "log");
        assertEquals("error", m.get("level"));
    }

    @Test
    void textLinesAreLogrusLike(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("log.txt");
        OciLog log = new OciLog(Optional.of(file), false, true, CLOCK);
        log.debug("state c1");
        log.error("boom");
        assertEquals(List.of("time=\"2026-11-23T05:00:00Z\" level=debug msg=\"state c1\"",
                "time=\"2026-11-23T05:00:00Z\" level=error msg=\"boom\""), Files.readAllLines(file));
    }

    @Test
    void withoutLogFileNothingIsWritten(@TempDir Path dir) throws IOException {
        new OciLog(Optional.empty(), true, true, CLOCK).error("x");
        try (var s = Files.list(dir)) {
            assertTrue(s.findAny().isEmpty());
        }
    }
}
