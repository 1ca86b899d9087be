package dev.jkata.agent.cgroup;

import dev.jkata.agent.AgentException;
import dev.jkata.proto.agent.BlkioStats;
import dev.jkata.proto.agent.BlkioStatsEntry;
import dev.jkata.proto.agent.CgroupStats;
import dev.jkata.proto.agent.CpuStats;
import dev.jkata.proto.agent.CpuUsage;
import dev.jkata.proto.agent.MemoryData;
import dev.jkata.proto.agent.MemoryStats;
import dev.jkata.proto.agent.PidsStats;
import dev.jkata.proto.agent.ThrottlingData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a cgroup v2 directory into the agent protocol's CgroupStats. */
public final class CgroupStatsReader {

    private CgroupStatsReader() {
    }

    public static CgroupStats read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw AgentException.notFound("cgroup " + dir + " does not exist");
        }
        Map<String, Long> cpu = keyed(dir.resolve("cpu.stat"));
        Map<String, Long> mem = keyed(dir.resolve("memory.stat"));
        Map<String, Long> events = keyed(dir.resolve("memory.events"));
        long usage = single(dir.resolve("memory.current"));
        long peak = single(dir.resolve("memory.peak"));
        long limit = single(dir.resolve("memory.max"));
        long swap = single(dir.resolve("memory.swap.current"));
        long swapLimit = single(dir.resolve("memory.swap.max"));

        CpuStats cpuStats = CpuStats.newBuilder()
                .setCpuUsage(CpuUsage.newBuilder()
                        .setTotalUsage(cpu.getOrDefault("usage_usec", 0L) * 1000)
                        .setUsageInUsermode(cpu.getOrDefault("user_usec", 0L) * 1000)
                        .setUsageInKernelmode(cpu.getOrDefault("system_usec", 0L) * 1000))
                .setThrottlingData(ThrottlingData.newBuilder()
                        .setPeriods(cpu.getOrDefault("nr_periods", 0L))
                        .setThrottledPeriods(cpu.getOrDefault("nr_throttled", 0L))
                        .setThrottledTime(cpu.getOrDefault("throttled_usec", 0L) * 1000))
                .build();
        MemoryStats memStats = MemoryStats.newBuilder()
                .setCache(mem.getOrDefault("file", 0L))
                .setUsage(MemoryData.newBuilder().setUsage(usage).setMaxUsage(peak).setLimit(limit)
                        .setFailcnt(events.getOrDefault("max", 0L)))
                .setSwapUsage(MemoryData.newBuilder().setUsage(swap).setLimit(swapLimit))
                .setKernelUsage(MemoryData.newBuilder().setUsage(mem.getOrDefault("kernel", 
                        mem.getOrDefault("kernel_stack", 0L) + mem.getOrDefault("slab", 0L))))
                .setUseHierarchy(true)
                .putAllStats(mem)
                .build();
        PidsStats pids = PidsStats.newBuilder()
                .setCurrent(single(dir.resolve("pids.current")))
                .setLimit(single(dir.resolve("pids.max")))
                .build();
        return CgroupStats.newBuilder()
                .setCpuStats(cpuStats)
                .setMemoryStats(memStats)
                .setPidsStats(pids)
                .setBlkioStats(io(dir.resolve("io.stat")))
                .build();
    }

    /** io.stat lines: "MAJ:MIN rbytes=.. wbytes=.. rios=.. wios=.. dbytes=.. dios=..". */
    static BlkioStats io(Path file) {
        BlkioStats.Builder b = BlkioStats.newBuilder();
        for (String line : lines(file)) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length < 2 || !parts[0].contains(":")) {
                continue;
            }
            String[] mm = parts[0].split(":");
            long major = parseLong(mm[0]);
            long minor = parseLong(mm[1]);
            Map<String, Long> kv = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq > 0) {
                    kv.put(parts[i].substring(0, eq), parseLong(parts[i].substring(eq + 1)));
                }
            }
            b.addIoServiceBytesRecursive(entry(major, minor, "Read", kv.getOrDefault("rbytes", 0L)));
            b.addIoServiceBytesRecursive(entry(major, minor, "Write", kv.getOrDefault("wbytes", 0L)));
            b.addIoServicedRecursive(entry(major, minor, "Read", kv.getOrDefault("rios", 0L)));
            b.addIoServicedRecursive(entry(major, minor, "Write", kv.getOrDefault("wios", 0L)));
        }
        return b.build();
    }

    private static BlkioStatsEntry entry(long major, long minor, String op, long value) {
        return BlkioStatsEntry.newBuilder().setMajor(major).setMinor(minor).setOp(op).setValue(value).build();
    }

    /** A flat-keyed file ("key value" per line); missing file → empty. */
    public static Map<String, Long> keyed(Path file) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : lines(file)) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2) {
                m.put(kv[0], parseLong(kv[1]));
            }
        }
        return m;
    }

    /** A single-value file; "max" and a missing file read as 0 (unset, as the protocol has it). */
    public static long single(Path file) {
        List<String> l = lines(file);
        if (l.isEmpty()) {
            return 0;
        }
        String v = l.getFirst().trim();
        return v.equals("max") ? 0 : parseLong(v);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
