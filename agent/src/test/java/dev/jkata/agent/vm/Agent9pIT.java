package dev.jkata.agent.vm;

import dev.jkata.proto.agent.DestroySandboxRequest;
import dev.jkata.proto.agent.Mount;
import dev.jkata.proto.agent.Spec;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent with the shared directory over virtio-9p (QEMU serves it, no virtiofsd), on the machine
 * the driver picks for this host (microvm under TCG), plus an ephemeral (tmpfs) sandbox storage that
 * a container bind-mounts as its /dev/shm.
 */
class Agent9pIT {

    @Test
    void runsAContainerFromA9pShare() throws Exception {
        GuestVm.requireAssets();
        Path dir = Files.createTempDirectory("agent-9p-it");
        try {
            Path shared = Files.createDirectories(dir.resolve("shared"));
            BusyboxRootfs.create(shared.resolve("p1/rootfs"));
            try (GuestVm vm = GuestVm.boot(dir, shared, GuestVm.Share.NINE_P, "", false)) {
                System.out.println("Agent9pIT: boot to agent SERVING " + vm.bootToReady().toMillis() + " ms");
                run(vm, shared);
            }
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(GuestVm vm, Path shared) throws Exception {
        try {
            AgentCalls agent = new AgentCalls(vm.client(), Duration.ofSeconds(120));
            agent.createSandbox9p("sb-9p");
            Spec spec = AgentCalls.spec("p1", false, "/bin/sh", "-c",
                    "cat /etc/marker; uname -r; grep ' /dev/shm ' /proc/mounts; exit 6").toBuilder()
                    .addMounts(Mount.newBuilder().setDestination("/dev/shm").setType("bind")
                            .setSource("/run/kata-containers/sandbox/shm").addAllOptions(List.of("rbind", "rw")))
                    .build();
            agent.create("p1", spec);
            // written after CreateContainer: the guest reads the host directory live
            Files.writeString(shared.resolve("p1/rootfs/etc/marker"), "written on the host\n");
            agent.start("p1");
            String out = agent.readAll("p1", "p1", true);
            assertEquals(6, agent.waitProcess("p1", "p1"));
            String[] lines = out.split("\n");
            assertEquals("written on the host", lines[0], out);
            assertEquals(GuestVm.kernelRelease(), lines[1], "uname -r over 9p: " + out);
            assertTrue(lines.length > 2 && lines[2].contains(" /dev/shm tmpfs ") && lines[2].contains("size=16384k"),
                    "the ephemeral storage (tmpfs, size=16m) is the container's /dev/shm: " + out);
            agent.remove("p1");
            agent.empty("DestroySandbox", DestroySandboxRequest.getDefaultInstance());
        } catch (RuntimeException | AssertionError e) {
            System.err.println("guest console:\n" + vm.console());
            throw e;
        }
    }
}
