package dev.jkata.runtime.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {

    @TempDir
    Path tmp;

    @Test
    void roundTrips() throws Exception {
        SandboxState s = new SandboxState(SandboxState.SCHEMA_VERSION, "sb", tmp, tmp.resolve("shared"), 42, 43, 44,
                Instant.parse("2026-11-23T05:00:00Z"),
                List.of(new ContainerState("c1", Path.of("/b/c1"), "running",
                        List.of(Path.of("/s/c1/rootfs"), Path.of("/s/c1/mounts/0-x")))));
        StateStore.save(s);
        assertEquals(s, StateStore.load(tmp));
        String json = Files.readString(tmp.resolve("state.json"));
        assertTrue(json.contains("\"schemaVersion\" : 1"), json);
        assertTrue(!Files.exists(tmp.resolve("state.json.tmp")));
    }

    @Test
    void refusesNewerSchemaAndBrokenFiles() throws Exception {
        Files.writeString(tmp.resolve("state.json"), "{\"schemaVersion\": 99, \"sandboxId\": \"x\"}");
        StateException newer = assertThrows(StateException.class, () -> StateStore.load(tmp));
        assertTrue(newer.getMessage().contains("schemaVersion 99 is not supported"), newer.getMessage());

        Files.writeString(tmp.resolve("state.json"), "{\"schemaVersion\": 1,\n \"sandboxId\": }");
        StateException broken = assertThrows(StateException.class, () -> StateStore.load(tmp));
        assertTrue(broken.getMessage().contains("not valid JSON at line 2"), broken.getMessage());

        Files.writeString(tmp.resolve("state.json"), "{\"schemaVersion\": 1, \"sandboxId\": \"x\"}");
        StateException missing = assertThrows(StateException.class, () -> StateStore.load(tmp));
        assertTrue(missing.getMessage().contains("missing field \"stateDir\""), missing.getMessage());

        Files.delete(tmp.resolve("state.json"));
        StateException none = assertThrows(StateException.class, () -> StateStore.load(tmp));
        assertTrue(none.getMessage().contains("does not exist"), none.getMessage());
    }
}
