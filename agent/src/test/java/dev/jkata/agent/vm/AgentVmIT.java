package dev.jkata.agent.vm;

import dev.jkata.proto.agent.HealthCheckResponse;
import dev.jkata.proto.agent.PauseContainerRequest;
import dev.jkata.proto.agent.ResumeContainerRequest;
import dev.jkata.proto.agent.StatsContainerRequest;
import dev.jkata.proto.agent.StatsContainerResponse;
import dev.jkata.proto.agent.TtyWinResizeRequest;
import dev.jkata.ttrpc.Code;
import dev.jkata.ttrpc.TtrpcException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The agent in a real guest: boots the initrd built by osbuilder (build/guest) under QEMU/TCG,
 * shares busybox rootfses over virtio-fs and runs containers through crun.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentVmIT {

    private Path dir;
    private Path shared;
    private GuestVm vm;
    private AgentCalls agent;

    @BeforeAll
    void boot() throws Exception {
        assumeTrue(GuestVm.available(), "no guest kernel/initrd in build/guest or no QEMU/virtiofsd");
        assumeTrue(BusyboxRootfs.available(), "no /bin/busybox");
        dir = Files.createTempDirectory("agent-vm-it");
        shared = dir.resolve("shared");
        Files.createDirectories(shared);
        vm = GuestVm.boot(dir, shared, "");
        agent = new AgentCalls(vm.client(), Duration.ofSeconds(120));
        try {
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, agent.check().getStatus());
            agent.createSandbox("sb-it");
        } catch (RuntimeException e) {
            System.err.println("guest console:\n" + vm.console());
            throw e;
        }
    }

    @AfterAll
    void shutdown() throws Exception {
        if (vm != null) {
            try {
                agent.empty("DestroySandbox", dev.jkata.proto.agent.DestroySandboxRequest.getDefaultInstance());
            } catch (RuntimeException e) {
                System.err.println("DestroySandbox: " + e);
            }
            System.err.println("guest console:\n" + vm.console());
            vm.close();
        }
        if (dir != null) {
            try (var s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void rootfs(String cid) throws Exception {
        BusyboxRootfs.create(shared.resolve(cid).resolve("rootfs"));
    }

    @Test
    void runsAContainerWithItsOutputAndExitCode() throws Exception {
        rootfs("c1");
        agent.create("c1", AgentCalls.spec("c1", false, "/bin/sh", "-c",
                "uname -r; hostname; echo oops >&2; exit 3"));
        agent.start("c1");
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> agent.readAll("c1", "", false));
        String out = agent.readAll("c1", "c1", true);
        assertEquals(3, agent.waitProcess("c1", "c1"), "the container id names the init process");
        assertTrue(out.contains("6.1.0"), "guest kernel release in: " + out);
        assertTrue(out.contains("c1"), "container hostname in: " + out);
        assertEquals("oops\n", err.get(60, TimeUnit.SECONDS));
        agent.remove("c1");
        TtrpcException e = assertThrows(TtrpcException.class, () -> agent.waitProcess("c1", ""));
        assertEquals(Code.NOT_FOUND, e.code());
    }

    @Test
    void execsSignalsStatsAndTerminals() throws Exception {
        rootfs("c2");
        agent.create("c2", AgentCalls.spec("c2", false, "/bin/sleep", "1000"));
        agent.start("c2");

        StatsContainerResponse stats = agent.call("StatsContainer",
                StatsContainerRequest.newBuilder().setContainerId("c2").build(), StatsContainerResponse.parser());
        assertTrue(stats.getCgroupStats().getMemoryStats().getUsage().getUsage() > 0, "memory usage: " + stats);
        assertTrue(stats.getCgroupStats().getPidsStats().getCurrent() >= 1, "pids: " + stats);

        agent.exec("c2", "e1", false, "/bin/sh", "-c", "echo exec-out; exit 5");
        assertEquals("exec-out\n", agent.readAll("c2", "e1", true));
        assertEquals(5, agent.waitProcess("c2", "e1"));

        agent.exec("c2", "e2", false, "/bin/cat");
        agent.write("c2", "e2", "hello stdin\n");
        agent.closeStdin("c2", "e2");
        assertEquals("hello stdin\n", agent.readAll("c2", "e2", true));
        assertEquals(0, agent.waitProcess("c2", "e2"));

        agent.exec("c2", "e3", true, "/bin/sh");
        agent.empty("TtyWinResize", TtyWinResizeRequest.newBuilder().setContainerId("c2").setExecId("e3")
                .setRow(40).setColumn(100).build());
        agent.write("c2", "e3", "stty size; exit 7\n");
        String tty = agent.readAll("c2", "e3", true);
        assertTrue(tty.contains("40 100"), "stty size through the terminal: " + tty);
        assertEquals(7, agent.waitProcess("c2", "e3"));

        agent.exec("c2", "e4", false, "/bin/sleep", "1000");
        agent.signal("c2", "e4", 15);
        assertEquals(128 + 15, agent.waitProcess("c2", "e4"));

        agent.empty("PauseContainer", PauseContainerRequest.newBuilder().setContainerId("c2").build());
        agent.empty("ResumeContainer", ResumeContainerRequest.newBuilder().setContainerId("c2").build());

        agent.signal("c2", "", 9);
        assertEquals(128 + 9, agent.waitProcess("c2", ""));
        agent.remove("c2");
    }

    @Test
    void rejectsBadRequests() {
        TtrpcException e = assertThrows(TtrpcException.class, () -> agent.start("nope"));
        assertEquals(Code.NOT_FOUND, e.code());
        e = assertThrows(TtrpcException.class, () -> agent.create("bad", AgentCalls.spec("bad", false, "/bin/true")));
        assertEquals(Code.INVALID_ARGUMENT, e.code(), e.getMessage());
        e = assertThrows(TtrpcException.class, () -> agent.empty("CopyFile",
                dev.jkata.proto.agent.CopyFileRequest.newBuilder().setPath("/etc/passwd").build()));
        assertEquals(Code.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("/etc/passwd"), e.getMessage());
    }
}
