package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import dev.jkata.proto.agent.CgroupStats;
import dev.jkata.proto.agent.LinuxCPU;
import dev.jkata.proto.agent.LinuxMemory;
import dev.jkata.proto.agent.LinuxPids;
import dev.jkata.proto.agent.LinuxResources;
import dev.jkata.proto.agent.StatsContainerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code update}'s resources (the OCI {@code linux.resources} JSON of {@code --resources}, with
 * the single-value flags laid over it) and {@code events --stats}' output, in runc's shapes.
 */
final class Resources {

    private Resources() {
    }

    /** The OCI resources JSON object → the agent's LinuxResources (memory, cpu, pids). */
    static LinuxResources fromJson(Map<String, Object> r) throws CliException {
        LinuxResources.Builder b = LinuxResources.newBuilder();
        if (r.get("memory") instanceof Map<?, ?> m) {
            LinuxMemory.Builder mem = LinuxMemory.newBuilder();
            mem.setLimit(num(m, "limit", "memory.limit"));
            mem.setReservation(num(m, "reservation", "memory.reservation"));
            mem.setSwap(num(m, "swap", "memory.swap"));
            b.setMemory(mem);
        }
        if (r.get("cpu") instanceof Map<?, ?> c) {
            LinuxCPU.Builder cpu = LinuxCPU.newBuilder();
            cpu.setShares(num(c, "shares", "cpu.shares"));
            cpu.setQuota(num(c, "quota", "cpu.quota"));
            cpu.setPeriod(num(c, "period", "cpu.period"));
            if (c.get("cpus") instanceof String s) {
                cpu.setCpus(s);
            }
            if (c.get("mems") instanceof String s) {
                cpu.setMems(s);
            }
            b.setCPU(cpu);
        }
        if (r.get("pids") instanceof Map<?, ?> p) {
            b.setPids(LinuxPids.newBuilder().setLimit(num(p, "limit", "pids.limit")));
        }
        return b.build();
    }

    private static long num(Map<?, ?> m, String key, String path) throws CliException {
        Object v = m.get(key);
        if (v == null) {
            return 0;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw new CliException(CliException.FAILURE, "update: resources " + path + ": expected a number, got " + v);
    }

    /** One {@code events --stats} object: {"type":"stats","id":…,"data":{cpu,memory,pids}}. */
    static Map<String, Object> statsEvent(String id, StatsContainerResponse stats) {
        CgroupStats cg = stats.getCgroupStats();
        Map<String, Object> cpuUsage = new LinkedHashMap<>();
        cpuUsage.put("total", cg.getCpuStats().getCpuUsage().getTotalUsage());
        cpuUsage.put("kernel", cg.getCpuStats().getCpuUsage().getUsageInKernelmode());
        cpuUsage.put("user", cg.getCpuStats().getCpuUsage().getUsageInUsermode());
        Map<String, Object> throttling = new LinkedHashMap<>();
        throttling.put("periods", cg.getCpuStats().getThrottlingData().getPeriods());
        throttling.put("throttledPeriods", cg.getCpuStats().getThrottlingData().getThrottledPeriods());
        throttling.put("throttledTime", cg.getCpuStats().getThrottlingData().getThrottledTime());
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("usage", cpuUsage);
        cpu.put("throttling", throttling);
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("limit", cg.getMemoryStats().getUsage().getLimit());
        usage.put("usage", cg.getMemoryStats().getUsage().getUsage());
        usage.put("max", cg.getMemoryStats().getUsage().getMaxUsage());
        usage.put("failcnt", cg.getMemoryStats().getUsage().getFailcnt());
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("cache", cg.getMemoryStats().getCache());
        memory.put("usage", usage);
        memory.put("raw", new LinkedHashMap<>(cg.getMemoryStats().getStatsMap()));
        Map<String, Object> pids = new LinkedHashMap<>();
        pids.put("current", cg.getPidsStats().getCurrent());
        pids.put("limit", cg.getPidsStats().getLimit());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cpu", cpu);
        data.put("memory", memory);
        data.put("pids", pids);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "stats");
        event.put("id", id);
        event.put("data", data);
        return event;
    }
}
