package dev.jkata.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.cli.CliException;
import dev.jkata.proto.agent.CgroupStats;
import dev.jkata.proto.agent.CpuStats;
import dev.jkata.proto.agent.CpuUsage;
import dev.jkata.proto.agent.LinuxResources;
import dev.jkata.proto.agent.MemoryData;
import dev.jkata.proto.agent.MemoryStats;
import dev.jkata.proto.agent.PidsStats;
import dev.jkata.proto.agent.Spec;
import dev.jkata.proto.agent.StatsContainerResponse;
import dev.jkata.proto.agent.User;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourcesTest {

    @Test
    void ociResourcesJsonBecomesTheAgentsLinuxResources() throws CliException {
        Map<String, Object> r = JsonText.parseObject("""
                {"memory": {"limit": 536870912, "reservation": 1024},
                 "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0-1"},
                 "pids": {"limit": 64}}""", "resources");
        LinuxResources lr = Resources.fromJson(r);
        assertEquals(536870912L, lr.getMemory().getLimit());
        assertEquals(1024L, lr.getMemory().getReservation());
        assertEquals(512L, lr.getCPU().getShares());
        assertEquals(50000L, lr.getCPU().getQuota());
        assertEquals(100000L, lr.getCPU().getPeriod());
        assertEquals("0-1", lr.getCPU().getCpus());
        assertEquals(64L, lr.getPids().getLimit());
        assertFalse(Resources.fromJson(Map.of()).hasMemory());
    }

    @Test
    void aWrongTypeNamesTheField() {
        CliException e = assertThrows(CliException.class,
                () -> Resources.fromJson(Map.of("memory", Map.of("limit", "lots"))));
        assertTrue(e.getMessage().contains("memory.limit"), e.getMessage());
    }

    @Test
    void statsEventHasRuncsShape() {
        StatsContainerResponse stats = StatsContainerResponse.newBuilder().setCgroupStats(CgroupStats.newBuilder()
                .setCpuStats(CpuStats.newBuilder().setCpuUsage(CpuUsage.newBuilder().setTotalUsage(123)))
                .setMemoryStats(MemoryStats.newBuilder().setUsage(MemoryData.newBuilder().setUsage(4096).setLimit(8192)))
                .setPidsStats(PidsStats.newBuilder().setCurrent(3))).build();
        Map<String, Object> e = Resources.statsEvent("c1", stats);
        assertEquals("stats", e.get("type"));
        assertEquals("c1", e.get("id"));
        Map<?, ?> data = (Map<?, ?>) e.get("data");
        assertEquals(123L, ((Map<?, ?>) ((Map<?, ?>) data.get("cpu")).get("usage")).get("total"));
        assertEquals(4096L, ((Map<?, ?>) ((Map<?, ?>) data.get("memory")).get("usage")).get("usage"));
        assertEquals(3L, ((Map<?, ?>) data.get("pids")).get("current"));
    }

    @Test
    void execProcessFromArgsTakesTheContainersProcessAndTheOverrides() throws CliException {
        Spec spec = Spec.newBuilder().setProcess(dev.jkata.proto.agent.Process.newBuilder()
                .addArgs("sh").addEnv("PATH=/bin").setCwd("/work").setTerminal(true)
                .setUser(User.newBuilder().setUID(5).setGID(6))).build();
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("args", List.of("ls", "-l"));
        req.put("env", List.of("A=1"));
        req.put("user", "1000:1001");
        var p = ExecSpecs.fromRequest(spec, req);
        assertEquals(List.of("ls", "-l"), p.getArgsList());
        assertEquals(List.of("PATH=/bin", "A=1"), p.getEnvList());
        assertEquals("/work", p.getCwd());
        assertFalse(p.getTerminal(), "exec has a terminal only with --tty");
        assertEquals(1000, p.getUser().getUID());
        assertEquals(1001, p.getUser().getGID());
        req.put("tty", true);
        req.put("cwd", "/tmp");
        var t = ExecSpecs.fromRequest(spec, req);
        assertTrue(t.getTerminal());
        assertEquals("/tmp", t.getCwd());
        assertThrows(CliException.class, () -> ExecSpecs.fromRequest(spec, Map.of("args", List.of("x"), "user", "bob")));
        assertThrows(CliException.class, () -> ExecSpecs.fromRequest(spec, Map.of()));
    }
}
