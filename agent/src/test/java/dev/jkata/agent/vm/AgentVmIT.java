package dev.jkata.agent.vm;

import dev.jkata.proto.agent.*;
import dev.jkata.proto.types.ARPNeighbor;
import dev.jkata.proto.types.IPAddress;
import dev.jkata.proto.types.IPFamily;
import dev.jkata.proto.types.Interface;
import dev.jkata.proto.types.Route;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The agent in a real guest, all scenarios on one VM boot: the initrd built by osbuilder
 * (build/guest) booted by the hypervisor module's QEMU driver on q35 (PCI: virtio-serial-pci agent
 * channel, vhost-user-fs-pci share, virtio-net-pci NIC on a tap), busybox rootfses shared over
 * virtio-fs, containers run through crun. Each test uses its own container ids.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentVmIT {

    private Path dir;
    private Path shared;
    private GuestVm vm;
    private AgentCalls agent;

    @BeforeAll
    void boot() throws Exception {
        GuestVm.requireAssets();
        dir = Files.createTempDirectory("agent-vm-it");
        shared = Files.createDirectories(dir.resolve("shared"));
        vm = GuestVm.boot(dir, shared, GuestVm.Share.VIRTIO_FS, "q35", true);
        System.out.println("AgentVmIT: boot to agent SERVING " + vm.bootToReady().toMillis() + " ms");
        agent = new AgentCalls(vm.client(), Duration.ofSeconds(120));
        // /init moved a bind mount of the initramfs over /: crun pivot_roots, no --no-pivot
        String console = vm.console();
        for (int i = 0; i < 100 && !console.contains("agent ready on "); i++) {
            Thread.sleep(100); // the line is printed just after the agent starts serving
            console = vm.console();
        }
        assertTrue(console.contains("agent ready on ") && !console.contains("crun --no-pivot"), console);
        try {
            agent.createSandbox("sb-it");
        } catch (RuntimeException e) {
            System.err.println("guest console:\n" + vm.console());
            throw e;
        }
    }

    @AfterAll
    void shutdown() throws Exception {
        try {
            if (vm != null) {
                try {
                    agent.empty("DestroySandbox", DestroySandboxRequest.getDefaultInstance());
                } catch (RuntimeException e) {
                    System.err.println("DestroySandbox: " + e);
                }
                System.err.println("guest console:\n" + vm.console());
                vm.close();
            }
        } finally {
            if (dir != null) {
                try (var s = Files.walk(dir)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static String hostKernelRelease() throws Exception {
        java.lang.Process p = new ProcessBuilder("uname", "-r").start();
        String s = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor(10, TimeUnit.SECONDS);
        return s;
    }

    private void rootfs(String cid) throws Exception {
        BusyboxRootfs.create(shared.resolve(cid).resolve("rootfs"));
    }

    /** Waits (bounded) for the OOM event of {@code cid}, skipping other containers' events. */
    private CompletableFuture<String> oomEventOf(String cid) {
        return CompletableFuture.supplyAsync(() -> {
            // Bounded: a loop left running after a failure would swallow the next tests' events.
            for (int i = 0; i < 5; i++) {
                String id = agent.call("GetOOMEvent", GetOOMEventRequest.getDefaultInstance(), OOMEvent.parser())
                        .getContainerId();
                if (id.equals(cid)) {
                    return id;
                }
            }
            return "no " + cid + " event in 5";
        });
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
        String[] lines = out.split("\n");
        assertEquals(GuestVm.kernelRelease(), lines[0], "uname -r in the container is the guest kernel's: " + out);
        assertNotEquals(hostKernelRelease(), lines[0], "the container must not see the host kernel");
        assertEquals("c1", lines[1], "container hostname in: " + out);
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

        agent.exec("c2", "e1", false, "/bin/sh", "-c", "echo exec-out; cat /proc/1/cmdline; exit 5");
        String execOut = agent.readAll("c2", "e1", true);
        assertTrue(execOut.startsWith("exec-out\n"), execOut);
        assertTrue(execOut.contains("/bin/sleep"), "the exec sees the container's pid 1 (sleep): " + execOut);
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
                CopyFileRequest.newBuilder().setPath("/etc/passwd").build()));
        assertEquals(Code.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("/etc/passwd"), e.getMessage());
    }

    @Test
    void terminalContainer() throws Exception {
        BusyboxRootfs.create(shared.resolve("t1/rootfs"));
        agent.create("t1", AgentCalls.spec("t1", true, "/bin/sh"));
        agent.start("t1");
        agent.empty("TtyWinResize", TtyWinResizeRequest.newBuilder().setContainerId("t1").setRow(33).setColumn(77).build());
        agent.write("t1", "", "stty size; echo tty-$((6*7)); exit 4\n");
        String out = agent.readAll("t1", "", true);
        assertTrue(out.contains("33 77"), out);
        assertTrue(out.contains("tty-42"), out);
        assertEquals(4, agent.waitProcess("t1", ""));
        agent.remove("t1");
    }

    @Test
    void sigtermReachesTheContainersHandler() throws Exception {
        BusyboxRootfs.create(shared.resolve("s1/rootfs"));
        agent.create("s1", AgentCalls.spec("s1", false, "/bin/sh", "-c",
                "trap 'echo got-term; exit 42' TERM; echo ready; while :; do sleep 0.2; done"));
        agent.start("s1");
        ReadStreamResponse first = agent.call("ReadStdout", ReadStreamRequest.newBuilder().setContainerId("s1")
                .setLen(100).build(), ReadStreamResponse.parser());
        assertEquals("ready\n", first.getData().toStringUtf8());
        agent.signal("s1", "", 15);
        assertEquals("got-term\n", agent.readAll("s1", "", true));
        assertEquals(42, agent.waitProcess("s1", ""));
        agent.remove("s1");
    }

    @Test
    void updateResourcesAndReportOom() throws Exception {
        BusyboxRootfs.create(shared.resolve("m1/rootfs"));
        Spec spec = AgentCalls.spec("m1", false, "/bin/sleep", "1000").toBuilder()
                .setLinux(AgentCalls.spec("m1", false).getLinux().toBuilder().setResources(LinuxResources.newBuilder()
                        .setMemory(LinuxMemory.newBuilder().setLimit(48L << 20)))).build();
        agent.create("m1", spec);
        agent.start("m1");
        agent.empty("UpdateContainer", UpdateContainerRequest.newBuilder().setContainerId("m1")
                .setResources(LinuxResources.newBuilder().setMemory(LinuxMemory.newBuilder().setLimit(40L << 20))
                        .setPids(LinuxPids.newBuilder().setLimit(50))).build());
        StatsContainerResponse stats = agent.call("StatsContainer",
                StatsContainerRequest.newBuilder().setContainerId("m1").build(), StatsContainerResponse.parser());
        assertEquals(40L << 20, stats.getCgroupStats().getMemoryStats().getUsage().getLimit());
        assertEquals(50, stats.getCgroupStats().getPidsStats().getLimit());

        CompletableFuture<String> oom = oomEventOf("m1");
        agent.exec("m1", "hog", false, "/bin/tail", "/dev/zero");
        int status = agent.waitProcess("m1", "hog");
        assertEquals("m1", oom.get(120, TimeUnit.SECONDS));
        assertTrue(status != 0, "the hog was killed: " + status);
        agent.remove("m1");
    }

    @Test
    void oomKillOfTheInitProcessIsReported() throws Exception {
        BusyboxRootfs.create(shared.resolve("o1/rootfs"));
        Spec spec = AgentCalls.spec("o1", false, "/bin/tail", "/dev/zero").toBuilder()
                .setLinux(AgentCalls.spec("o1", false).getLinux().toBuilder().setResources(LinuxResources.newBuilder()
                        .setMemory(LinuxMemory.newBuilder().setLimit(24L << 20)))).build();
        agent.create("o1", spec);
        CompletableFuture<String> oom = oomEventOf("o1");
        agent.start("o1");
        assertEquals(128 + 9, agent.waitProcess("o1", "o1"), "the OOM killer's SIGKILL");
        assertEquals("o1", oom.get(60, TimeUnit.SECONDS), "the event arrives although the cgroup is gone");
        agent.remove("o1");
    }

    @Test
    void guestNetworking() throws Exception {
        String why = "the guest has no NIC: " + vm.whyNoNic();
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            assertTrue(vm.hasNic(), why);
        }
        assumeTrue(vm.hasNic(), why);
        Interfaces before = agent.call("ListInterfaces", ListInterfacesRequest.getDefaultInstance(), Interfaces.parser());
        assertTrue(before.getInterfacesList().stream().anyMatch(i -> i.getHwAddr().equals(GuestVm.MAC)),
                before.toString());
        Interface eth = agent.call("UpdateInterface", UpdateInterfaceRequest.newBuilder().setInterface(
                Interface.newBuilder().setHwAddr(GuestVm.MAC).setName("eth0").setMtu(1400)
                        .addIPAddresses(IPAddress.newBuilder().setFamily(IPFamily.v4).setAddress("10.0.2.15").setMask("24")))
                .build(), Interface.parser());
        assertEquals("eth0", eth.getName());
        assertEquals(1400, eth.getMtu());
        assertEquals("10.0.2.15", eth.getIPAddresses(0).getAddress());
        Routes routes = agent.call("UpdateRoutes", UpdateRoutesRequest.newBuilder().setRoutes(Routes.newBuilder()
                .addRoutes(Route.newBuilder().setDest("10.0.2.0/24").setDevice("eth0").setScope(253))
                .addRoutes(Route.newBuilder().setGateway("10.0.2.2").setDevice("eth0"))).build(), Routes.parser());
        assertTrue(routes.getRoutesList().stream().anyMatch(r -> r.getDest().isEmpty() && r.getGateway().equals("10.0.2.2")),
                routes.toString());
        agent.empty("AddARPNeighbors", AddARPNeighborsRequest.newBuilder().setNeighbors(ARPNeighbors.newBuilder()
                .addARPNeighbors(ARPNeighbor.newBuilder().setDevice("eth0").setLladdr("52:55:0a:00:02:02")
                        .setToIPAddress(IPAddress.newBuilder().setAddress("10.0.2.2")))).build());

        BusyboxRootfs.create(shared.resolve("n1/rootfs"));
        agent.create("n1", AgentCalls.spec("n1", false, "/bin/ip", "-o", "addr", "show", "eth0"));
        agent.start("n1");
        String out = agent.readAll("n1", "", true);
        assertEquals(0, agent.waitProcess("n1", ""));
        assertTrue(out.contains("10.0.2.15/24"), "the container shares the guest's network: " + out);
        agent.remove("n1");
    }

    @Test
    void guestRpcs() {
        GuestDetailsResponse d = agent.call("GetGuestDetails", GuestDetailsRequest.newBuilder().setMemBlockSize(true)
                .setMemHotplugProbe(true).build(), GuestDetailsResponse.parser());
        assertTrue(d.getMemBlockSizeBytes() > 0, d.toString());
        assertFalse(d.getAgentDetails().getVersion().isEmpty());
        long now = System.currentTimeMillis() / 1000;
        agent.empty("SetGuestDateTime", SetGuestDateTimeRequest.newBuilder().setSec(now).setUsec(0).build());
        agent.empty("OnlineCPUMem", OnlineCPUMemRequest.newBuilder().setNbCpus(0).build());
        agent.empty("CopyFile", CopyFileRequest.newBuilder().setPath("/run/kata-containers/sandbox/hosts")
                .setFileSize(10).setFileMode(0100644).setDirMode(0755).setUid(0).setGid(0)
                .setData(com.google.protobuf.ByteString.copyFromUtf8("127.0.0.1\n")).build());
        Metrics m = agent.call("GetMetrics", GetMetricsRequest.getDefaultInstance(), Metrics.parser());
        assertTrue(m.getMetrics().contains("kata_agent_rpc_calls_total{method=\"CopyFile\"} 1"), m.getMetrics());
    }
}
