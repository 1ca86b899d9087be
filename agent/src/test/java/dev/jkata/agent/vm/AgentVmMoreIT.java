package dev.jkata.agent.vm;

import dev.jkata.proto.agent.*;
import dev.jkata.proto.types.ARPNeighbor;
import dev.jkata.proto.types.IPAddress;
import dev.jkata.proto.types.IPFamily;
import dev.jkata.proto.types.Interface;
import dev.jkata.proto.types.Route;
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
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * More of the agent in a real guest: terminal containers, signal handlers, resource updates,
 * OOM events, guest networking and the guest RPCs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentVmMoreIT {

    private Path dir;
    private Path shared;
    private GuestVm vm;
    private AgentCalls agent;

    @BeforeAll
    void boot() throws Exception {
        assumeTrue(GuestVm.available(), "no guest kernel/initrd in build/guest or no QEMU/virtiofsd");
        assumeTrue(BusyboxRootfs.available(), "no /bin/busybox");
        dir = Files.createTempDirectory("agent-vm-more-it");
        shared = Files.createDirectories(dir.resolve("shared"));
        vm = GuestVm.boot(dir, shared, "");
        agent = new AgentCalls(vm.client(), Duration.ofSeconds(120));
        try {
            agent.check();
            agent.createSandbox("sb-more");
        } catch (RuntimeException e) {
            System.err.println("guest console:\n" + vm.console());
            throw e;
        }
    }

    @AfterAll
    void shutdown() throws Exception {
        if (vm != null) {
            try {
                agent.empty("DestroySandbox", DestroySandboxRequest.getDefaultInstance());
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

        CompletableFuture<String> oom = CompletableFuture.supplyAsync(() -> agent.call("GetOOMEvent",
                GetOOMEventRequest.getDefaultInstance(), OOMEvent.parser()).getContainerId());
        agent.exec("m1", "hog", false, "/bin/sh", "-c", "head -c 200000000 /dev/zero | tail");
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
        CompletableFuture<String> oom = CompletableFuture.supplyAsync(() -> {
            // Bounded: a loop left running after a failure would swallow the next tests' events.
            for (int i = 0; i < 5; i++) {
                String id = agent.call("GetOOMEvent", GetOOMEventRequest.getDefaultInstance(), OOMEvent.parser())
                        .getContainerId();
                if (id.equals("o1")) {
                    return id;
                }
            }
            return "no o1 event in 5";
        });
        agent.start("o1");
        assertEquals(128 + 9, agent.waitProcess("o1", "o1"), "the OOM killer's SIGKILL");
        assertEquals("o1", oom.get(60, TimeUnit.SECONDS), "the event arrives although the cgroup is gone");
        agent.remove("o1");
    }

    @Test
    void guestNetworking() throws Exception {
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
