package dev.jkata.agent.cgroup;

import dev.jkata.agent.AgentException;
import dev.jkata.proto.agent.CgroupStats;
import dev.jkata.ttrpc.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CgroupStatsReaderTest {

    @TempDir
    Path root;

    private Path cgroup(String id) throws Exception {
        Path d = root.resolve(id);
        Files.createDirectories(d);
        Files.writeString(d.resolve("cpu.stat"), """
                usage_usec 1500
                user_usec 1000
                system_usec 500
                nr_periods 4
                nr_throttled 1
                throttled_usec 20
                """);
        Files.writeString(d.resolve("memory.current"), "2097152\n");
        Files.writeString(d.resolve("memory.max"), "max\n");
        Files.writeString(d.resolve("memory.stat"), "anon 1048576\nfile 4096\nkernel 8192\n");
        Files.writeString(d.resolve("memory.events"), "low 0\nhigh 0\nmax 2\noom 1\noom_kill 0\n");
        Files.writeString(d.resolve("pids.current"), "3\n");
        Files.writeString(d.resolve("pids.max"), "100\n");
        Files.writeString(d.resolve("io.stat"), "254:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n");
        return d;
    }

    @Test
    void readsCgroupV2Files() throws Exception {
        CgroupStats s = CgroupStatsReader.read(cgroup("c1"));
        assertEquals(1_500_000, s.getCpuStats().getCpuUsage().getTotalUsage(), "ns");
        assertEquals(1_000_000, s.getCpuStats().getCpuUsage().getUsageInUsermode());
        assertEquals(1, s.getCpuStats().getThrottlingData().getThrottledPeriods());
        assertEquals(2097152, s.getMemoryStats().getUsage().getUsage());
        assertEquals(0, s.getMemoryStats().getUsage().getLimit(), "max = no limit");
        assertEquals(2, s.getMemoryStats().getUsage().getFailcnt());
        assertEquals(4096, s.getMemoryStats().getCache());
        assertEquals(1048576, s.getMemoryStats().getStatsMap().get("anon"));
        assertEquals(3, s.getPidsStats().getCurrent());
        assertEquals(100, s.getPidsStats().getLimit());
        assertEquals(8192, s.getBlkioStats().getIoServiceBytesRecursive(1).getValue());
        assertEquals("Write", s.getBlkioStats().getIoServiceBytesRecursive(1).getOp());
        assertEquals(254, s.getBlkioStats().getIoServicedRecursive(0).getMajor());
    }

    @Test
    void missingCgroupIsNotFound() {
        AgentException e = assertThrows(AgentException.class, () -> CgroupStatsReader.read(root.resolve("gone")));
        assertEquals(Code.NOT_FOUND, e.code());
    }

    @Test
    void oomWatcherReportsAnIncreasedKillCount() throws Exception {
        Path c1 = cgroup("c1");
        cgroup("c2");
        OomWatcher w = new OomWatcher(root, () -> Set.of("c1", "c2"), 10);
        assertEquals(null, w.poll());
        Files.writeString(c1.resolve("memory.events"), "oom 1\noom_kill 1\n");
        assertEquals("c1", w.next());
        assertEquals(null, w.poll(), "reported once");
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(50);
                Files.writeString(root.resolve("c2/memory.events"), "oom_kill 3\n");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertEquals("c2", w.next());
        t.join();
        assertTrue(List.of("c1", "c2").contains("c2"));
    }
}
