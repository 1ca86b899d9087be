package dev.jkata.tests.containerd;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A long-running container through ctr: exec, ps, pause/resume, metrics, signals, VM death. */
class ContainerdTaskIT extends ContainerdItBase {
    /** PID 1 ignores SIGTERM unless it handles it; this shell exits 143 as a default handler would. */
    static final String TERM_AWARE = "trap 'exit 143' TERM; while true; do sleep 1; done";

    @Test
    void execPsPauseResumeMetricsAndSigterm() throws Exception {
        String id = newId();
        Background run = runInBackground(id, "sh", "-c", TERM_AWARE);
        try {
            awaitStatus(id, "RUNNING", RUN);

            Containerd.Result exec = containerd.ctr(RUN, "task", "exec", "--exec-id", "e1", id,
                    "sh", "-c", "echo from-exec-$((40+2)); exit 3");
            assertEquals(3, exec.exit(), exec.describe());
            assertTrue(exec.out().contains("from-exec-42"), exec.describe());

            Containerd.Result ps = containerd.ctr(RUN, "task", "ps", id);
            assertEquals(0, ps.exit(), ps.describe());
            assertTrue(ps.out().contains(Long.toString(qemuPid(id))), "ps reports the VM's pid as Kata does: " + ps.out());

            assertEquals(0, containerd.ctr(RUN, "task", "pause", id).exit());
            assertEquals("PAUSED", taskStatus(id));
            assertEquals(0, containerd.ctr(RUN, "task", "resume", id).exit());
            assertEquals("RUNNING", taskStatus(id));

            Containerd.Result metrics = containerd.ctr(RUN, "task", "metrics", id);
            assertEquals(0, metrics.exit(), metrics.describe());
            assertTrue(metrics.out().contains("memory.usage_in_bytes") && metrics.out().contains("pids.current"),
                    "ctr decodes our cgroups v1 metrics: " + metrics.out());

            Containerd.Result kill = containerd.ctr(RUN, "task", "kill", "-s", "SIGTERM", id);
            assertEquals(0, kill.exit(), kill.describe());
            Containerd.Result r = run.await(RUN);
            assertEquals(143, r.exit(), r.describe() + "\n" + containerd.log());
        } finally {
            run.process().destroyForcibly();
        }
    }

    @Test
    void qemuKilledEndsTheTaskAndRmCleansUp() throws Exception {
        String id = newId();
        Containerd.Result started = containerd.ctr(RUN, "run", "-d", "--runtime", RUNTIME, KataSetup.IMAGE, id,
                "sleep", "1000");
        assertEquals(0, started.exit(), started.describe() + "\n" + containerd.log());
        awaitStatus(id, "RUNNING", RUN);
        long qemu = qemuPid(id);
        ProcessHandle.of(qemu).orElseThrow().destroyForcibly();
        Duration took = awaitStatus(id, "STOPPED", Duration.ofSeconds(10));
        assertTrue(took.compareTo(Duration.ofSeconds(5)) <= 0, "the task stopped " + took + " after QEMU died");
        Containerd.Result rm = containerd.ctr(RUN, "task", "rm", id);
        assertEquals(0, rm.exit(), rm.describe() + "\n" + containerd.log());
        assertEquals(java.util.List.of(), Leaks.awaitGone(id, 10_000), "ctr task rm cleans up the sandbox");
    }
}
