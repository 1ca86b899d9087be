package dev.jkata.agent.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OomWatcherTest {
    @TempDir
    Path root;

    private static void events(Path cgroup, long kills) throws Exception {
        Files.createDirectories(cgroup);
        Files.writeString(cgroup.resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill " + kills + "\n");
    }

    @Test
    void aKillInALiveContainerIsReportedOnce() throws Exception {
        events(root, 0);
        events(root.resolve("a"), 0);
        events(root.resolve("b"), 0);
        OomWatcher w = new OomWatcher(root, () -> List.of("a", "b"), 10);
        assertNull(w.poll());
        events(root.resolve("b"), 1);
        events(root, 1);
        assertEquals("b", w.poll());
        assertNull(w.poll(), "the same kill is not reported twice, neither by the child nor by the parent");
    }

    @Test
    void aKillWhoseCgroupIsAlreadyGoneIsSeenThroughTheParent() throws Exception {
        events(root, 0);
        events(root.resolve("live"), 0);
        List<String> ids = new ArrayList<>(List.of("live", "gone"));
        OomWatcher w = new OomWatcher(root, () -> ids, 10);
        assertNull(w.poll());
        // "gone" got a cgroup, was OOM-killed and its cgroup removed between two rounds
        events(root, 1);
        assertEquals("gone", w.poll());
        assertNull(w.poll());
    }
}
