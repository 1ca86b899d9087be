package dev.jkata.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.cli.CliException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciStateTest {

    private static OciState running() {
        return new OciState("c1", "running", 4242, "/b", "/b/rootfs", "2026-01-02T03:04:05.123Z",
                Map.of("org.opencontainers.image.ref.name", "bb"), -1, 77);
    }

    @Test
    void ociStateHasTheRuntimeSpecFieldsInRuncsOrder() {
        Map<String, Object> m = running().ociJson();
        assertEquals(List.of("ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "annotations", "owner"),
                List.copyOf(m.keySet()));
        assertEquals("1.0.2", m.get("ociVersion"));
        assertEquals(4242L, m.get("pid"));
        assertEquals("running", m.get("status"));
    }

    @Test
    void stoppedContainerReportsPidZeroAndKeepsTheExitCode() {
        OciState s = running().stopped(5);
        assertEquals(0L, s.ociJson().get("pid"));
        assertEquals("stopped", s.status());
        assertEquals(5, s.exitCode());
        assertEquals(4242, s.pid());
    }

    @Test
    void noAnnotationsMeansNoAnnotationsField() {
        OciState s = new OciState("c", "created", 1, "/b", "/b/rootfs", "t", Map.of(), -1, 0);
        assertFalse(s.ociJson().containsKey("annotations"));
    }

    @Test
    void savesAndLoadsAtomically(@TempDir Path dir) throws CliException, IOException {
        Path file = dir.resolve("state.json");
        OciState s = running();
        s.save(file);
        assertEquals(s, OciState.load(file, "c1"));
        assertEquals(List.of(file), Files.list(dir).toList()); // no temporary file left
        s.withStatus("paused").save(file);
        assertEquals("paused", OciState.load(file, "c1").status());
    }

    @Test
    void missingRecordSaysTheContainerDoesNotExistAsRuncDoes(@TempDir Path dir) {
        CliException e = assertThrows(CliException.class, () -> OciState.load(dir.resolve("state.json"), "nope"));
        assertEquals("container \"nope\" does not exist", e.getMessage());
    }

    @Test
    void corruptRecordNamesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.json");
        Files.writeString(file, "{\"id\": 3}");
        CliException e = assertThrows(CliException.class, () -> OciState.load(file, "x"));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
