package dev.jkata.tests.guest;

import dev.jkata.proto.agent.CheckRequest;
import dev.jkata.proto.agent.VersionCheckResponse;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guest assets boot under plain QEMU (TCG) and the agent answers on the virtio-serial port. */
class GuestBootIT {

    @Test
    void microvmAgentIsServingAndReportsItsVersion() throws Exception {
        bootAndCheck(VmConfig.Machine.MICROVM);
    }

    @Test
    void q35AgentIsServingAndReportsItsVersion() throws Exception {
        bootAndCheck(VmConfig.Machine.Q35);
    }

    private static void bootAndCheck(VmConfig.Machine machine) throws Exception {
        GuestAssets assets = GuestAssets.require();
        GuestAssets.requireTools(false);
        long qemuPid;
        Path work;
        try (GuestVm vm = GuestVm.boot(assets, VmConfig.of(machine, VmConfig.Share.NONE))) {
            qemuPid = vm.qemuPid();
            work = vm.workDir();
            // Health/Check SERVING is what boot() waited for; the bound is 30 s (a slower shared
            // machine may raise it with -Djkata.it.bootBoundSeconds=N)
            long bound = Long.getLong("jkata.it.bootBoundSeconds", 30);
            assertTrue(vm.bootToReady().compareTo(Duration.ofSeconds(bound)) < 0,
                    machine + " boot to agent ready took " + vm.bootToReady().toMillis() + " ms (bound " + bound
                            + " s); console:\n" + vm.consoleLog());
            VersionCheckResponse v = vm.agent().call("grpc.Health", "Version", CheckRequest.getDefaultInstance(),
                    VersionCheckResponse.parser(), Duration.ofSeconds(30));
            assertFalse(v.getAgentVersion().isBlank(), "agent version is empty");
            System.out.printf("guest %s: boot to agent SERVING %d ms, agent %s%n", machine,
                    vm.bootToReady().toMillis(), v.getAgentVersion());
            assertTrue(Files.exists(work.resolve("console.log")));
        }
        GuestLeaks.assertClean(qemuPid, null, work);
    }
}
