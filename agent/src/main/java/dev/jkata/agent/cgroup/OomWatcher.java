package dev.jkata.agent.cgroup;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Waits for OOM kills: reports a container whose memory.events oom_kill counter went up since it
 * was last seen. Each container's cgroup directory is watched (cgroup v2 signals a change of
 * memory.events as a file modification), so a kill is seen at once, before the runtime removes
 * the cgroup of a container whose init was killed; a slow poll backs the watch up.
 */
public final class OomWatcher {

    private static final System.Logger LOG = System.getLogger(OomWatcher.class.getName());

    private final Path cgroupRoot;
    private final Supplier<Collection<String>> containers;
    private final long pollMillis;
    /** Guarded by this: container id → last oom_kill count seen. */
    private final Map<String, Long> seen = new HashMap<>();
    /** Guarded by this: ids whose cgroup directory is being watched. */
    private final Set<String> watched = new HashSet<>();
    /** Guarded by this: created on the first wait; null when watching is not possible. */
    private WatchService watch;
    private boolean watchTried;
    /**
     * Guarded by this: the parent cgroup's oom_kill count. cgroup v2 counts memory.events
     * hierarchically, so a kill stays visible here after the runtime removed the child cgroup of
     * a container whose init was killed (which can happen between two rounds).
     */
    private long parentSeen;

    /**
     * @param cgroupRoot the directory holding one cgroup per container id
     * @param containers the ids of the containers to watch, asked on every round
     */
    public OomWatcher(Path cgroupRoot, Supplier<Collection<String>> containers, long pollMillis) {
        this.cgroupRoot = cgroupRoot;
        this.containers = containers;
        this.pollMillis = pollMillis;
        this.parentSeen = oomKills(cgroupRoot);
    }

    private static long oomKills(Path cgroup) {
        return CgroupStatsReader.keyed(cgroup.resolve("memory.events")).getOrDefault("oom_kill", 0L);
    }

    /** Blocks until some container had an OOM kill; returns its id. */
    public String next() throws InterruptedException {
        while (true) {
            String hit = poll();
            if (hit != null) {
                return hit;
            }
            WatchService w = watchService();
            if (w == null) {
                Thread.sleep(pollMillis);
                continue;
            }
            WatchKey key = w.poll(pollMillis, TimeUnit.MILLISECONDS);
            if (key != null) {
                key.pollEvents();
                if (!key.reset()) {
                    key.cancel();
                }
            }
        }
    }

    private synchronized WatchService watchService() {
        if (!watchTried) {
            watchTried = true;
            try {
                watch = FileSystems.getDefault().newWatchService();
            } catch (IOException | UnsupportedOperationException e) {
                LOG.log(System.Logger.Level.INFO, "OOM events by polling only: " + e.getMessage());
            }
        }
        return watch;
    }

    /** One round: the first container whose count increased, or null. */
    synchronized String poll() {
        Collection<String> ids = containers.get();
        seen.keySet().retainAll(ids);
        watched.retainAll(ids);
        for (String id : ids) {
            Path dir = cgroupRoot.resolve(id);
            if (watch != null && !watched.contains(id) && Files.isDirectory(dir)) {
                try {
                    dir.register(watch, StandardWatchEventKinds.ENTRY_MODIFY);
                    watched.add(id);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "watching " + dir + ": " + e.getMessage());
                }
            }
            long kills = oomKills(dir);
            Long before = seen.put(id, kills);
            if (kills > (before == null ? 0 : before)) {
                parentSeen = oomKills(cgroupRoot);
                return id;
            }
        }
        long parentKills = oomKills(cgroupRoot);
        long before = parentSeen;
        parentSeen = parentKills;
        if (parentKills > before) {
            // A kill in a cgroup that is gone already: the container whose cgroup vanished.
            for (String id : ids) {
                if (!Files.isDirectory(cgroupRoot.resolve(id))) {
                    return id;
                }
            }
        }
        return null;
    }
}
