package dev.jkata.shim.backend;

import static org.junit.jupiter.api.Assertions.*;

import dev.jkata.proto.agent.CgroupStats;
import dev.jkata.proto.agent.CpuStats;
import dev.jkata.proto.agent.CpuUsage;
import dev.jkata.proto.agent.MemoryData;
import dev.jkata.proto.agent.MemoryStats;
import dev.jkata.proto.agent.NetworkStats;
import dev.jkata.proto.agent.PidsStats;
import dev.jkata.proto.agent.StatsContainerResponse;
import dev.jkata.proto.cgroups.v1.Metrics;
import org.junit.jupiter.api.Test;

class MetricsConverterTest {
    @Test
    void agentStatsBecomeCgroupsV1Metrics() throws Exception {
        StatsContainerResponse stats = StatsContainerResponse.newBuilder()
                .setCgroupStats(CgroupStats.newBuilder()
                        .setCpuStats(CpuStats.newBuilder().setCpuUsage(CpuUsage.newBuilder().setTotalUsage(1000)
                                .setUsageInKernelmode(300).setUsageInUsermode(700).addPercpuUsage(1000)))
                        .setMemoryStats(MemoryStats.newBuilder().setCache(4096)
                                .setUsage(MemoryData.newBuilder().setUsage(123456).setLimit(1 << 30).setMaxUsage(200000))
                                .putStats("rss", 777).putStats("pgfault", 12))
                        .setPidsStats(PidsStats.newBuilder().setCurrent(3).setLimit(100)))
                .addNetworkStats(NetworkStats.newBuilder().setName("eth0").setRxBytes(10).setTxBytes(20))
                .build();
        var any = MetricsConverter.toAny(stats);
        assertEquals("io.containerd.cgroups.v1.Metrics", any.getTypeUrl());
        Metrics m = Metrics.parseFrom(any.getValue());
        assertEquals(1000, m.getCpu().getUsage().getTotal());
        assertEquals(300, m.getCpu().getUsage().getKernel());
        assertEquals(700, m.getCpu().getUsage().getUser());
        assertEquals(123456, m.getMemory().getUsage().getUsage());
        assertEquals(1 << 30, m.getMemory().getUsage().getLimit());
        assertEquals(200000, m.getMemory().getUsage().getMax());
        assertEquals(4096, m.getMemory().getCache());
        assertEquals(777, m.getMemory().getRss());
        assertEquals(12, m.getMemory().getPgFault());
        assertEquals(3, m.getPids().getCurrent());
        assertEquals(100, m.getPids().getLimit());
        assertEquals("eth0", m.getNetwork(0).getName());
        assertEquals(20, m.getNetwork(0).getTxBytes());
        assertFalse(m.hasBlkio(), "absent agent sections stay absent");
    }
}
