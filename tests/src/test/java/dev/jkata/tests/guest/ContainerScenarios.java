package dev.jkata.tests.guest;

import dev.jkata.proto.agent.StatsContainerResponse;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Container scenarios run against a real guest; each names what it proves in its failure messages. */
final class ContainerScenarios {
    private ContainerScenarios() {}

    /** {@code uname -r} in a container prints the guest kernel's release, not the host's. */
    static void unameShowsGuestKernel(SandboxFixture f, String guestKernelRelease) throws Exception {
        String cid = "uname";
        f.rootfs(cid);
        f.ops.createContainer(cid, AgentOps.process(false, "uname", "-r"));
        f.ops.start(cid);
        String out = f.ops.readStdoutAll(cid, cid).strip();
        int status = f.ops.waitProcess(cid, cid);
        assertEquals(0, status, "uname -r exit status; console:\n" + f.vm.consoleLog());
        assertEquals(guestKernelRelease, out, "uname -r in the container");
        assertNotEquals(hostRelease(), out, "the container must not see the host kernel");
    }

    /** {@code sh -c 'exit 3'} reports status 3 through WaitProcess. */
    static void exitStatusIsReported(SandboxFixture f) throws Exception {
        String cid = "exit3";
        f.rootfs(cid);
        f.ops.createContainer(cid, AgentOps.process(false, "sh", "-c", "exit 3"));
        f.ops.start(cid);
        assertEquals(3, f.ops.waitProcess(cid, cid), "WaitProcess status of sh -c 'exit 3'");
    }

    static String hostRelease() throws Exception {
        Process p = new ProcessBuilder("uname", "-r").start();
        String s = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor(10, TimeUnit.SECONDS);
        return s;
    }

    /** A long-running container, ExecProcess into it, StatsContainer on it, then SIGKILL. */
    static void execAndStatsInLongRunningContainer(SandboxFixture f) throws Exception {
        String cid = "long";
        f.rootfs(cid);
        f.ops.createContainer(cid, AgentOps.process(false, "sh", "-c", "echo started; exec sleep 100000"));
        f.ops.start(cid);
        assertTrue(f.ops.readStdoutUntil(cid, cid, "started").contains("started"), "container printed 'started'");

        String exec = "exec-1";
        f.ops.exec(cid, exec, AgentOps.process(false, "sh", "-c", "echo from-exec; cat /proc/1/cmdline; echo; exit 7"));
        String out = f.ops.readStdoutAll(cid, exec);
        assertEquals(7, f.ops.waitProcess(cid, exec), "exec's exit status");
        assertTrue(out.contains("from-exec"), "exec stdout: " + out);
        assertTrue(out.contains("sleep"), "the exec sees the container's pid 1 (sleep): " + out);

        StatsContainerResponse st = f.ops.stats(cid);
        long mem = st.getCgroupStats().getMemoryStats().getUsage().getUsage();
        assertTrue(mem > 0, "memory usage of the container's cgroup: " + st);

        f.ops.signal(cid, "", 9);
        assertEquals(128 + 9, f.ops.waitProcess(cid, cid), "status after SIGKILL");
    }

    /** A TTY process sees the window size TtyWinResize set. */
    static void ttyWinResizeIsSeenByStty(SandboxFixture f) throws Exception {
        String cid = "tty";
        f.rootfs(cid);
        f.ops.createContainer(cid, AgentOps.process(true, "sh", "-c", "echo ready; read x; stty size"));
        f.ops.start(cid);
        String first = f.ops.readStdoutUntil(cid, cid, "ready");
        assertTrue(first.contains("ready"), "tty container printed 'ready': " + first);
        f.ops.resize(cid, cid, 33, 101);
        f.ops.writeStdin(cid, cid, "go\n");
        String out = f.ops.readStdoutUntil(cid, cid, "33 101");
        assertTrue(out.contains("33 101"), "stty size after TtyWinResize(33, 101): " + out);
        assertEquals(0, f.ops.waitProcess(cid, cid), "tty process exit status");
    }

    /** SIGTERM reaches a trapping container process and its trap decides the exit status. */
    static void sigtermRunsTheTrap(SandboxFixture f) throws Exception {
        String cid = "trap";
        f.rootfs(cid);
        f.ops.createContainer(cid, AgentOps.process(false, "sh", "-c",
                "trap 'echo got-term; exit 143' TERM; echo trapping; while :; do sleep 0.2; done"));
        f.ops.start(cid);
        assertTrue(f.ops.readStdoutUntil(cid, cid, "trapping").contains("trapping"), "trap installed");
        f.ops.signal(cid, cid, 15);
        assertEquals(143, f.ops.waitProcess(cid, cid), "exit status from the TERM trap");
    }
}
