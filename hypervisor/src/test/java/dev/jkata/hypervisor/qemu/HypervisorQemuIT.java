package dev.jkata.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.hypervisor.AcceleratorChoice;
import dev.jkata.hypervisor.AgentEndpoint;
import dev.jkata.hypervisor.HypervisorException;
import dev.jkata.hypervisor.SharedFs;
import dev.jkata.hypervisor.VirtualMachine;
import dev.jkata.hypervisor.VmConfig;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Boots real QEMU guests (TCG on this machine) with the project's guest kernel and initrd. */
class HypervisorQemuIT {

    private static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
    private static final Path VIRTIOFSD = Path.of("/usr/lib/qemu/virtiofsd");

    @TempDir
    Path tmp;

    private VmConfig config(GuestAssets assets, String id, SharedFs fs, String machine) {
        return new VmConfig(id, tmp.resolve("state-" + id), QEMU, assets.kernel(), assets.initrd(), null,
                machine, "", 1, 1, 256, fs, AcceleratorChoice.AUTO, true);
    }

    private Path sharedDir() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("shared"));
        Files.writeString(dir.resolve("hello.txt"), "hello from the host\n");
        return dir;
    }

    @Test
    void virtioFsVmBootsPausesResumesAndStops() throws Exception {
        GuestAssets assets = GuestAssets.require();
        SharedFs fs = new SharedFs.VirtioFs(sharedDir(), "kataShared", VIRTIOFSD, "auto", List.of());
        QemuVm vm = (QemuVm) new Qemu().start(config(assets, "it-vfs", fs, ""));
        try (vm) {
            assertEquals("running", vm.status());
            assertInstanceOf(AgentEndpoint.Serial.class, vm.agentEndpoint(), "no vhost-vsock here");
            Path agentSocket = ((AgentEndpoint.Serial) vm.agentEndpoint()).unixSocket();
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(agentSocket))) {
                assertTrue(ch.isConnected(), "QEMU serves the agent channel on " + agentSocket);
            }
            Process virtiofsd = vm.virtiofsd().orElseThrow();
            assertTrue(virtiofsd.isAlive());
            waitForConsole(vm, "Run /init as init process", Duration.ofSeconds(120));
            String running = vm.diagnose();
            assertTrue(running.contains("QMP status running") && running.matches("(?s).*vCPU 0 \\(thread \\d+\\) \\d+% busy.*")
                    && running.matches("(?s).*RIP=[0-9a-f]{16} CPL=[03] HLT=[01].*")
                    && running.contains("virtiofsd pid " + virtiofsd.pid() + " running"), running);

            vm.pause();
            assertEquals("paused", vm.status());
            assertTrue(vm.diagnose().contains("QMP status paused"), vm.diagnose());
            vm.resume();
            assertEquals("running", vm.status());

            long t0 = System.nanoTime();
            vm.stop();
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "stop took too long");
            assertFalse(ProcessHandle.of(vm.pid()).map(ProcessHandle::isAlive).orElse(false), "QEMU still alive");
            assertTrue(vm.exited().isDone());
            assertTrue(virtiofsd.waitFor(2, TimeUnit.SECONDS), "virtiofsd still alive");
            vm.stop(); // idempotent
            assertThrows(HypervisorException.class, vm::pause);
        }
    }

    @Test
    void killedQemuCompletesExitedWithinASecond() throws Exception {
        GuestAssets assets = GuestAssets.require();
        SharedFs fs = new SharedFs.VirtioFs(sharedDir(), "kataShared", VIRTIOFSD, "auto", List.of());
        QemuVm vm = (QemuVm) new Qemu().start(config(assets, "it-kill", fs, ""));
        try (vm) {
            assertTrue(vm.qmp().greeting().path("QMP").has("version"), "QMP greeting");
            Process virtiofsd = vm.virtiofsd().orElseThrow();
            ProcessHandle.of(vm.pid()).orElseThrow().destroyForcibly(); // SIGKILL
            long t0 = System.nanoTime();
            int code = vm.exited().get(1, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1));
            assertEquals(137, code, "SIGKILL exit status");
            assertTrue(virtiofsd.waitFor(1, TimeUnit.SECONDS), "virtiofsd outlived QEMU");
        }
    }

    @Test
    void ninePOnPcMachineBoots() throws Exception {
        GuestAssets assets = GuestAssets.require();
        SharedFs fs = new SharedFs.Virtio9p(sharedDir(), "kataShared");
        try (VirtualMachine vm = new Qemu().start(config(assets, "it-9p", fs, "q35"))) {
            assertEquals("running", ((QemuVm) vm).status());
            waitForConsole(vm, "Run /init as init process", Duration.ofSeconds(120));
        }
    }

    @Test
    void qemuDyingDuringStartIsReportedWithItsLog() throws Exception {
        GuestAssets assets = GuestAssets.require();
        VmConfig bad = config(assets, "it-bad", new SharedFs.None(), "no-such-machine");
        HypervisorException e = assertThrows(HypervisorException.class, () -> new Qemu().start(bad));
        assertTrue(e.getMessage().contains("during start") && e.getMessage().contains("no-such-machine"),
                e.getMessage());
    }

    private static void waitForConsole(VirtualMachine vm, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(vm.consoleLog()) && new String(Files.readAllBytes(vm.consoleLog()), StandardCharsets.ISO_8859_1).contains(text)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("console " + vm.consoleLog() + " never showed \"" + text + "\"");
    }
}
