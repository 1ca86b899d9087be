package dev.jkata.agent.vm;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The agent with the shared directory over virtio-9p, plus an ephemeral (tmpfs) sandbox storage. */
class Agent9pIT {

    @Test
    void runsAContainerFromA9pShare() throws Exception {
        assumeTrue(GuestVm.available() && BusyboxRootfs.available(), "needs the guest assets, QEMU and busybox");
        Path dir = Files.createTempDirectory("agent-9p-it");
        try {
            Path shared = Files.createDirectories(dir.resolve("shared"));
            BusyboxRootfs.create(shared.resolve("p1/rootfs"));
            run(GuestVm.boot(dir, shared, "", true), shared);
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(GuestVm vm, Path shared) throws Exception {
        try {
            AgentCalls agent = new AgentCalls(vm.client(), Duration.ofSeconds(120));
            agent.check();
            agent.createSandbox9p("sb-9p");
            agent.create("p1", AgentCalls.spec("p1", false, "/bin/sh", "-c", "cat /etc/marker; exit 6"));
            Files.writeString(shared.resolve("p1/rootfs/etc/marker"), "written on the host\n");
            agent.start("p1");
            String out = agent.readAll("p1", "p1", true);
            assertEquals(6, agent.waitProcess("p1", "p1"));
            assertTrue(out.contains("written on the host"), out);
            agent.remove("p1");
            agent.empty("DestroySandbox", dev.jkata.proto.agent.DestroySandboxRequest.getDefaultInstance());
        } catch (RuntimeException | AssertionError e) {
            System.err.println("guest console:\n" + vm.console());
            throw e;
        } finally {
            vm.close();
        }
    }
}
