package dev.jkata.shim.backend;

import com.google.protobuf.Any;
import dev.jkata.proto.agent.BlkioStatsEntry;
import dev.jkata.proto.agent.CgroupStats;
import dev.jkata.proto.agent.MemoryData;
import dev.jkata.proto.agent.StatsContainerResponse;
import dev.jkata.proto.cgroups.v1.BlkIOEntry;
import dev.jkata.proto.cgroups.v1.BlkIOStat;
import dev.jkata.proto.cgroups.v1.CPUStat;
import dev.jkata.proto.cgroups.v1.CPUUsage;
import dev.jkata.proto.cgroups.v1.MemoryEntry;
import dev.jkata.proto.cgroups.v1.MemoryStat;
import dev.jkata.proto.cgroups.v1.Metrics;
import dev.jkata.proto.cgroups.v1.NetworkStat;
import dev.jkata.proto.cgroups.v1.PidsStat;
import dev.jkata.proto.cgroups.v1.Throttle;
import java.util.List;
import java.util.Map;

/**
 * The agent's container stats as containerd's {@code io.containerd.cgroups.v1.Metrics} in an Any
 * (what {@code ctr task metrics} decodes), field by field as Kata's shim maps them.
 */
public final class MetricsConverter {
    public static final String TYPE_URL = "io.containerd.cgroups.v1.Metrics";

    private MetricsConverter() {}

    public static Any toAny(StatsContainerResponse stats) {
        return Any.newBuilder().setTypeUrl(TYPE_URL).setValue(toV1(stats).toByteString()).build();
    }

    public static Metrics toV1(StatsContainerResponse stats) {
        Metrics.Builder m = Metrics.newBuilder();
        CgroupStats cg = stats.getCgroupStats();
        if (cg.hasCpuStats()) {
            var cpu = cg.getCpuStats();
            m.setCpu(CPUStat.newBuilder()
                    .setUsage(CPUUsage.newBuilder().setTotal(cpu.getCpuUsage().getTotalUsage())
                            .setKernel(cpu.getCpuUsage().getUsageInKernelmode())
                            .setUser(cpu.getCpuUsage().getUsageInUsermode())
                            .addAllPerCpu(cpu.getCpuUsage().getPercpuUsageList()))
                    .setThrottling(Throttle.newBuilder().setPeriods(cpu.getThrottlingData().getPeriods())
                            .setThrottledPeriods(cpu.getThrottlingData().getThrottledPeriods())
                            .setThrottledTime(cpu.getThrottlingData().getThrottledTime())));
        }
        if (cg.hasMemoryStats()) {
            var mem = cg.getMemoryStats();
            Map<String, Long> s = mem.getStatsMap();
            m.setMemory(MemoryStat.newBuilder()
                    .setCache(mem.getCache())
                    .setRss(s.getOrDefault("rss", s.getOrDefault("anon", 0L)))
                    .setRssHuge(s.getOrDefault("rss_huge", 0L))
                    .setMappedFile(s.getOrDefault("mapped_file", 0L))
                    .setDirty(s.getOrDefault("dirty", 0L))
                    .setWriteback(s.getOrDefault("writeback", 0L))
                    .setPgFault(s.getOrDefault("pgfault", 0L))
                    .setPgMajFault(s.getOrDefault("pgmajfault", 0L))
                    .setInactiveAnon(s.getOrDefault("inactive_anon", 0L))
                    .setActiveAnon(s.getOrDefault("active_anon", 0L))
                    .setInactiveFile(s.getOrDefault("inactive_file", 0L))
                    .setActiveFile(s.getOrDefault("active_file", 0L))
                    .setUnevictable(s.getOrDefault("unevictable", 0L))
                    .setUsage(entry(mem.getUsage()))
                    .setSwap(entry(mem.getSwapUsage()))
                    .setKernel(entry(mem.getKernelUsage())));
        }
        if (cg.hasPidsStats()) {
            m.setPids(PidsStat.newBuilder().setCurrent(cg.getPidsStats().getCurrent())
                    .setLimit(cg.getPidsStats().getLimit()));
        }
        if (cg.hasBlkioStats()) {
            var b = cg.getBlkioStats();
            m.setBlkio(BlkIOStat.newBuilder()
                    .addAllIoServiceBytesRecursive(blkio(b.getIoServiceBytesRecursiveList()))
                    .addAllIoServicedRecursive(blkio(b.getIoServicedRecursiveList()))
                    .addAllIoQueuedRecursive(blkio(b.getIoQueuedRecursiveList()))
                    .addAllIoServiceTimeRecursive(blkio(b.getIoServiceTimeRecursiveList()))
                    .addAllIoWaitTimeRecursive(blkio(b.getIoWaitTimeRecursiveList()))
                    .addAllIoMergedRecursive(blkio(b.getIoMergedRecursiveList()))
                    .addAllIoTimeRecursive(blkio(b.getIoTimeRecursiveList()))
                    .addAllSectorsRecursive(blkio(b.getSectorsRecursiveList())));
        }
        cg.getHugetlbStatsMap().forEach((size, h) -> m.addHugetlb(dev.jkata.proto.cgroups.v1.HugetlbStat.newBuilder()
                .setPagesize(size).setUsage(h.getUsage()).setMax(h.getMaxUsage()).setFailcnt(h.getFailcnt())));
        for (var n : stats.getNetworkStatsList()) {
            m.addNetwork(NetworkStat.newBuilder().setName(n.getName()).setRxBytes(n.getRxBytes())
                    .setRxPackets(n.getRxPackets()).setRxErrors(n.getRxErrors()).setRxDropped(n.getRxDropped())
                    .setTxBytes(n.getTxBytes()).setTxPackets(n.getTxPackets()).setTxErrors(n.getTxErrors())
                    .setTxDropped(n.getTxDropped()));
        }
        return m.build();
    }

    private static MemoryEntry entry(MemoryData d) {
        return MemoryEntry.newBuilder().setUsage(d.getUsage()).setMax(d.getMaxUsage()).setFailcnt(d.getFailcnt())
                .setLimit(d.getLimit()).build();
    }

    private static List<BlkIOEntry> blkio(List<BlkioStatsEntry> in) {
        return in.stream().map(e -> BlkIOEntry.newBuilder().setMajor(e.getMajor()).setMinor(e.getMinor())
                .setOp(e.getOp()).setValue(e.getValue()).build()).toList();
    }
}
