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

    @Test
    void eventsReachContainerdInOrderAndDecode() throws Exception {
        String id = newId();
        Background events = Background.start(java.util.List.of("ctr", "-a", containerd.socket().toString(), "-n", Containerd.NAMESPACE, "events"));
        Containerd.Result r;
        try {
            Thread.sleep(500);
            r = runRm(id, "sh", "-c", "exit 4");
            Thread.sleep(1000);
        } finally {
            events.process().destroy();
        }
        Containerd.Result seen = events.await(java.time.Duration.ofSeconds(10));
        assertEquals(4, r.exit(), r.describe());
        java.util.List<String> topics = seen.out().lines().filter(l -> l.contains(id) && l.contains("/tasks/"))
                .map(l -> l.replaceAll(".*(/tasks/[a-z-]+).*", "$1")).distinct().toList();
        assertEquals(java.util.List.of("/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete"), topics,
                "events as ctr decodes them:\n" + seen.out());
        String exit = seen.out().lines().filter(l -> l.contains("/tasks/exit") && l.contains(id)).findFirst().orElseThrow();
        assertTrue(exit.contains("\"exit_status\":4") || exit.contains("exit_status:4"), exit);
    }

    @Test
    void execWithATerminal() throws Exception {
        String id = newId();
        Background run = runInBackground(id, "sh", "-c", TERM_AWARE);
        try {
            awaitStatus(id, "RUNNING", RUN);
            String exec = String.join(" ", "ctr", "-a", containerd.socket().toString(), "-n", Containerd.NAMESPACE,
                    "task", "exec", "-t", "--exec-id", "t1", id, "sh");
            Process p = new ProcessBuilder("script", "-qec", exec, "/dev/null").redirectErrorStream(true).start();
            p.getOutputStream().write("echo exec-tty-$((2*21)) $(tty)\nexit 6\n".getBytes());
            p.getOutputStream().flush();
            boolean done = p.waitFor(RUN.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly().waitFor();
            }
            String out = new String(p.getInputStream().readAllBytes());
            p.getOutputStream().close();
            assertTrue(done, out);
            assertTrue(out.contains("exec-tty-42 /dev/pts/"), out);
            assertEquals(6, p.exitValue(), out);
            assertEquals(0, containerd.ctr(RUN, "task", "kill", "-s", "SIGTERM", id).exit());
            assertEquals(143, run.await(RUN).exit());
        } finally {
            run.process().destroyForcibly();
        }
    }

    @Test
    void podContainerJoinsTheSandboxShimAndVm() throws Exception {
        String sandbox = newId();
        String member = newId();
        Containerd.Result started = containerd.ctr(RUN, "run", "-d", "--runtime", RUNTIME,
                "--annotation", "io.kubernetes.cri.container-type=sandbox",
                "--annotation", "io.kubernetes.cri.sandbox-id=" + sandbox,
                KataSetup.IMAGE, sandbox, "sh", "-c", TERM_AWARE);
        assertEquals(0, started.exit(), started.describe() + "\n" + containerd.log());
        awaitStatus(sandbox, "RUNNING", RUN);
        long qemu = qemuPid(sandbox);

        Containerd.Result r = containerd.ctr(RUN, "run", "--rm", "--runtime", RUNTIME,
                "--annotation", "io.kubernetes.cri.container-type=container",
                "--annotation", "io.kubernetes.cri.sandbox-id=" + sandbox,
                KataSetup.IMAGE, member, "sh", "-c", "echo member-of-$(hostname); exit 9");
        assertEquals(9, r.exit(), r.describe() + "\n" + containerd.log());
        assertTrue(r.out().contains("member-of-"), r.describe());
        assertEquals(java.util.List.of(), Leaks.processesMentioning(member), "no VM or shim of its own");
        assertEquals(qemu, qemuPid(sandbox), "the sandbox VM is still the same");
        assertEquals("RUNNING", taskStatus(sandbox), "the sandbox outlives its member");

        assertEquals(0, containerd.ctr(RUN, "task", "kill", "-s", "SIGTERM", sandbox).exit());
        awaitStatus(sandbox, "STOPPED", RUN);
        Containerd.Result rm = containerd.ctr(RUN, "task", "rm", sandbox);
        assertEquals(0, rm.exit(), rm.describe());
        assertEquals(java.util.List.of(), Leaks.awaitGone(sandbox, 20_000));
    }

    @Test
    void killedShimIsCleanedUpByDelete() throws Exception {
        String id = newId();
        Containerd.Result started = containerd.ctr(RUN, "run", "-d", "--runtime", RUNTIME, KataSetup.IMAGE, id,
                "sleep", "1000");
        assertEquals(0, started.exit(), started.describe() + "\n" + containerd.log());
        awaitStatus(id, "RUNNING", RUN);
        long shim = Leaks.processesMentioning(id).stream().filter(p -> p.contains("dev.jkata.shim"))
                .mapToLong(p -> Long.parseLong(p.substring(0, p.indexOf(':')))).findFirst()
                .orElseThrow(() -> new AssertionError("no shim daemon for " + id));
        ProcessHandle.of(shim).orElseThrow().destroyForcibly();
        // containerd sees the shim go, runs `containerd-shim-kata-v2 … delete`, which tears the sandbox down
        java.util.List<String> left = Leaks.awaitGone(id, 60_000);
        assertEquals(java.util.List.of(), left, "delete after the shim died\n" + containerd.log());
        String status = taskStatus(id);
        assertTrue(status.isEmpty() || status.equals("STOPPED"), "task after its shim died: " + status);
    }
}
