package dev.jkata.runtime.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.runtime.network.NetworkState;
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
        assertTrue(json.contains("\"schemaVersion\" : " + SandboxState.SCHEMA_VERSION), json);
        assertTrue(!Files.exists(tmp.resolve("state.json.tmp")));
    }

    @Test
    void roundTripsTheNetworkRecord() throws Exception {
        NetworkState net = new NetworkState(Path.of("/run/netns/cni-1"), true,
                List.of(new NetworkState.Link("eth0", "tap0_kata"), new NetworkState.Link("eth1", "tap1_kata")));
        SandboxState s = new SandboxState(SandboxState.SCHEMA_VERSION, "sb", tmp, tmp.resolve("shared"), 42, 43, 44,
                Instant.parse("2026-11-23T05:00:00Z"), List.of(), net);
        StateStore.save(s);
        SandboxState back = StateStore.load(tmp);
        assertEquals(s, back);
        assertEquals(net, back.networkState().orElseThrow());
        assertEquals(java.util.Optional.empty(), StateStore.load(tmp).withNetwork(null).networkState());
    }

    @Test
    void readsVersionOneFilesWithoutNetwork() throws Exception {
        Files.writeString(tmp.resolve("state.json"), """
                {"schemaVersion": 1, "sandboxId": "old", "stateDir": "%s", "sharedDir": "/s/old/shared",
                 "vmPid": 7, "virtiofsdPid": 0, "ownerPid": 1, "updated": "2026-11-22T05:00:00Z",
                 "containers": [{"id": "c1", "bundle": "/b", "status": "running", "mounts": ["/s/old/shared/c1/rootfs"]}],
                 "network": {"netns": "/ignored/in/version/1"}}
                """.formatted(tmp));
        SandboxState old = StateStore.load(tmp);
        assertEquals(1, old.schemaVersion());
        assertEquals("old", old.sandboxId());
        assertEquals(7, old.vmPid());
        assertEquals(List.of(Path.of("/s/old/shared/c1/rootfs")), old.containers().getFirst().mounts());
        assertEquals(java.util.Optional.empty(), old.networkState(), "version 1 knew no network record");
    }

    @Test
    void aBrokenNetworkRecordNamesTheField() throws Exception {
        Files.writeString(tmp.resolve("state.json"), """
                {"schemaVersion": 2, "sandboxId": "x", "stateDir": "/r/x", "sharedDir": "/s/x/shared",
                 "network": {"netns": "/run/netns/a", "links": [{"veth": "eth0"}]}}
                """);
        StateException e = assertThrows(StateException.class, () -> StateStore.load(tmp));
        assertTrue(e.getMessage().contains("missing field \"tap\""), e.getMessage());
        Files.writeString(tmp.resolve("state.json"), """
                {"schemaVersion": 2, "sandboxId": "x", "stateDir": "/r/x", "sharedDir": "/s/x/shared", "network": 3}
                """);
        StateException notObject = assertThrows(StateException.class, () -> StateStore.load(tmp));
        assertTrue(notObject.getMessage().contains("\"network\" must be an object"), notObject.getMessage());
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
