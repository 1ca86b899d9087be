package dev.jkata.agent.cgroup;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Waits for OOM kills: polls each container's memory.events and reports a container whose
 * oom_kill counter went up since it was last seen.
 */
public final class OomWatcher {

    private final Path cgroupRoot;
    private final Supplier<Collection<String>> containers;
    private final long pollMillis;
    /** Guarded by this: container id → last oom_kill count seen. */
    private final Map<String, Long> seen = new HashMap<>();

    /**
     * @param cgroupRoot the directory holding one cgroup per container id
     * @param containers the ids of the containers to watch, asked on every round
     */
    public OomWatcher(Path cgroupRoot, Supplier<Collection<String>> containers, long pollMillis) {
        this.cgroupRoot = cgroupRoot;
        this.containers = containers;
        this.pollMillis = pollMillis;
    }

    /** Blocks until some container had an OOM kill; returns its id. */
    public String next() throws InterruptedException {
        while (true) {
            String hit = poll();
            if (hit != null) {
                return hit;
            }
            Thread.sleep(pollMillis);
        }
    }

    /** One round: the first container whose count increased, or null. */
    synchronized String poll() {
        seen.keySet().retainAll(containers.get());
        for (String id : containers.get()) {
            long kills = CgroupStatsReader.keyed(cgroupRoot.resolve(id).resolve("memory.events"))
                    .getOrDefault("oom_kill", 0L);
            Long before = seen.put(id, kills);
            if (kills > (before == null ? 0 : before)) {
                return id;
            }
        }
        return null;
    }
}
