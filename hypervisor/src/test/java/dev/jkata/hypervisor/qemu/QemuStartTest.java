package dev.jkata.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.hypervisor.Accelerator;
import dev.jkata.hypervisor.AcceleratorChoice;
import dev.jkata.hypervisor.HypervisorException;
import dev.jkata.hypervisor.SharedFs;
import dev.jkata.hypervisor.VmConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Qemu#start} with a fake QEMU binary (a shell script): input checks and start failures. */
class QemuStartTest {

    @TempDir
    Path tmp;

    private final Qemu qemu = new Qemu(c -> AcceleratorProbe.decide(c, false, ""), OptionalInt::empty,
            OptionalLong::empty, Duration.ofSeconds(5));

    private Path script(String name, String body) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private VmConfig config(Path qemuBin, Path kernel, Path initrd, SharedFs fs) {
        return new VmConfig("t1", tmp.resolve("state"), qemuBin, kernel, initrd, null, "", "", 1, 1, 128, fs,
                AcceleratorChoice.AUTO, false);
    }

    @Test
    void missingFilesAreNamed() throws Exception {
        Path bin = script("qemu", "exit 0");
        Path kernel = Files.writeString(tmp.resolve("vmlinux"), "k");
        Path initrd = Files.writeString(tmp.resolve("initrd"), "i");
        HypervisorException e = assertThrows(HypervisorException.class,
                () -> qemu.start(config(tmp.resolve("nope"), kernel, initrd, null)));
        assertEquals("hypervisor path " + tmp.resolve("nope") + ": not an executable file", e.getMessage());
        e = assertThrows(HypervisorException.class,
                () -> qemu.start(config(bin, tmp.resolve("nokernel"), initrd, null)));
        assertEquals("kernel " + tmp.resolve("nokernel") + ": file not found", e.getMessage());
        e = assertThrows(HypervisorException.class,
                () -> qemu.start(config(bin, kernel, tmp.resolve("noinitrd"), null)));
        assertEquals("initrd " + tmp.resolve("noinitrd") + ": file not found", e.getMessage());
        e = assertThrows(HypervisorException.class, () -> qemu.start(config(bin, kernel, initrd,
                new SharedFs.Virtio9p(tmp.resolve("nodir"), "kataShared"))));
        assertTrue(e.getMessage().contains("nodir"), e.getMessage());
        e = assertThrows(HypervisorException.class, () -> qemu.start(config(bin, kernel, initrd,
                new SharedFs.VirtioFs(tmp, "kataShared", tmp.resolve("no-virtiofsd"), "auto", null))));
        assertTrue(e.getMessage().startsWith("virtio-fs daemon " + tmp.resolve("no-virtiofsd")), e.getMessage());
    }

    @Test
    void qemuDyingDuringStartReportsItsOutput() throws Exception {
        Path bin = script("qemu", "echo 'qemu-system-x86_64: -machine microvm: something is wrong' >&2; exit 1");
        Path kernel = Files.writeString(tmp.resolve("vmlinux"), "k");
        Path initrd = Files.writeString(tmp.resolve("initrd"), "i");
        HypervisorException e = assertThrows(HypervisorException.class,
                () -> qemu.start(config(bin, kernel, initrd, null)));
        assertTrue(e.getMessage().contains("exited with status 1 during start"), e.getMessage());
        assertTrue(e.getMessage().contains("something is wrong"), e.getMessage());
    }

    @Test
    void virtiofsdDyingIsReportedAndQemuNeverStarts() throws Exception {
        Path marker = tmp.resolve("qemu-ran");
        Path bin = script("qemu", "touch " + marker);
        Path daemon = script("virtiofsd", "echo 'virtiofsd: bad option' >&2; exit 3");
        Path kernel = Files.writeString(tmp.resolve("vmlinux"), "k");
        Path initrd = Files.writeString(tmp.resolve("initrd"), "i");
        HypervisorException e = assertThrows(HypervisorException.class, () -> qemu.start(config(bin, kernel, initrd,
                new SharedFs.VirtioFs(tmp, "kataShared", daemon, "auto", null))));
        assertTrue(e.getMessage().contains("exited with status 3") && e.getMessage().contains("bad option"),
                e.getMessage());
        assertTrue(Files.notExists(marker));
    }

    @Test
    void planUsesProbeAndFallsBackToSerial() throws Exception {
        LaunchPlan p = qemu.plan(config(Path.of("/q"), Path.of("/k"), Path.of("/i"), null));
        assertEquals(Accelerator.TCG, p.accelerator());
        assertEquals("microvm", p.machineType());
        assertInstanceOf(LaunchPlan.AgentChannel.Serial.class, p.agentChannel());
        Qemu withVsock = new Qemu(c -> AcceleratorProbe.decide(c, true, "flags : vmx\n"), () -> OptionalInt.of(77),
                OptionalLong::empty, Duration.ofSeconds(1));
        LaunchPlan v = withVsock.plan(config(Path.of("/q"), Path.of("/k"), Path.of("/i"), null));
        assertEquals(Accelerator.KVM, v.accelerator());
        assertEquals("q35", v.machineType());
        assertEquals(new LaunchPlan.AgentChannel.Vsock(77), v.agentChannel());
    }
}
