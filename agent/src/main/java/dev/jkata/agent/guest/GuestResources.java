package dev.jkata.agent.guest;

import dev.jkata.agent.AgentException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** CPUs and memory blocks of the guest, under a sysfs root ("/sys" in the guest). */
public final class GuestResources {

    private static final System.Logger LOG = System.getLogger(GuestResources.class.getName());

    private final Path sys;

    public GuestResources(Path sys) {
        this.sys = sys;
    }

    /** /sys/devices/system/memory/block_size_bytes (hex), 0 when the guest has none. */
    public long memoryBlockSize() {
        Path f = sys.resolve("devices/system/memory/block_size_bytes");
        try {
            return Files.exists(f) ? Long.parseUnsignedLong(Files.readString(f).trim(), 16) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    public boolean memoryHotplugProbe() {
        return Files.exists(sys.resolve("devices/system/memory/probe"));
    }

    /** Tells the kernel about hot-added memory at the given physical addresses (the probe interface). */
    public void probeMemory(List<Long> addresses) {
        Path probe = sys.resolve("devices/system/memory/probe");
        if (!Files.exists(probe)) {
            throw AgentException.precondition("this guest kernel has no memory probe interface (" + probe + ")");
        }
        for (long a : addresses) {
            try {
                Files.writeString(probe, "0x" + Long.toHexString(a));
            } catch (IOException e) {
                throw AgentException.internal("probing memory at 0x" + Long.toHexString(a) + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Onlines offline CPUs (and, unless {@code cpuOnly}, memory blocks); returns how many CPUs
     * were brought online. When {@code wantCpus} is non-zero, fails if fewer could be onlined.
     */
    public int online(int wantCpus, boolean cpuOnly) {
        int cpus = onlineAll(sys.resolve("devices/system/cpu"), "cpu");
        if (!cpuOnly) {
            onlineAll(sys.resolve("devices/system/memory"), "memory");
        }
        if (wantCpus > 0 && cpus < wantCpus && offlineCount(sys.resolve("devices/system/cpu"), "cpu") > 0) {
            throw AgentException.internal("onlined " + cpus + " CPUs, " + wantCpus + " requested", null);
        }
        return cpus;
    }

    private static int onlineAll(Path dir, String prefix) {
        int n = 0;
        for (Path d : entries(dir, prefix)) {
            Path online = d.resolve("online");
            try {
                if (Files.isWritable(online) && Files.readString(online).trim().equals("0")) {
                    Files.writeString(online, "1");
                    n++;
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "onlining " + d + ": " + e.getMessage());
            }
        }
        return n;
    }

    private static int offlineCount(Path dir, String prefix) {
        int n = 0;
        for (Path d : entries(dir, prefix)) {
            try {
                Path online = d.resolve("online");
                if (Files.exists(online) && Files.readString(online).trim().equals("0")) {
                    n++;
                }
            } catch (IOException e) {
                // unreadable: not counted
            }
        }
        return n;
    }

    private static List<Path> entries(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && n.length() > prefix.length()
                        && n.substring(prefix.length()).chars().allMatch(Character::isDigit);
            }).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
