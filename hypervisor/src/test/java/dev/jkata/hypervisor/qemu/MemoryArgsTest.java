package dev.jkata.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.hypervisor.Accelerator;
import dev.jkata.hypervisor.MemoryOptions;
import dev.jkata.hypervisor.NetDevice;
import dev.jkata.hypervisor.SharedFs;
import dev.jkata.hypervisor.VmConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MemoryArgsTest {

    private static LaunchPlan plan(String machine, Accelerator acc, MemoryOptions memory) {
        VmConfig c = QemuCommandLineTest.config(machine, new SharedFs.None()).withMemory(memory);
        return new LaunchPlan(c, acc, machine, new LaunchPlan.AgentChannel.Serial(), OptionalLong.empty());
    }

    @Test
    void tcgGetsTheConfiguredCodeBufferSize() {
        List<String> a = QemuCommandLine.build(plan("microvm", Accelerator.TCG, new MemoryOptions(false, 128)));
        assertEquals(List.of("tcg,thread=multi,tb-size=128"), QemuCommandLineTest.values(a, "-accel"));
    }

    @Test
    void tcgWithoutASizeGetsA64MiBBuffer() {
        List<String> a = QemuCommandLine.build(plan("microvm", Accelerator.TCG, MemoryOptions.DEFAULT));
        assertEquals(List.of("tcg,thread=multi,tb-size=64"), QemuCommandLineTest.values(a, "-accel"));
        List<String> qemuDefault = QemuCommandLine.build(plan("microvm", Accelerator.TCG, new MemoryOptions(false, 1024)));
        assertEquals(List.of("tcg,thread=multi,tb-size=1024"), QemuCommandLineTest.values(qemuDefault, "-accel"));
    }

    @Test
    void kvmIgnoresTheCodeBufferSize() {
        List<String> a = QemuCommandLine.build(plan("q35", Accelerator.KVM, new MemoryOptions(false, 64)));
        assertEquals(List.of("kvm"), QemuCommandLineTest.values(a, "-accel"));
    }

    @Test
    void noBalloonUnlessReclaimIsOn() {
        List<String> a = QemuCommandLine.build(plan("microvm", Accelerator.TCG, MemoryOptions.DEFAULT));
        assertFalse(QemuCommandLineTest.values(a, "-device").stream().anyMatch(d -> d.contains("balloon")), a::toString);
    }

    @Test
    void reclaimAddsAFreePageReportingBalloonOfTheMachinesBus() {
        List<String> micro = QemuCommandLine.build(plan("microvm", Accelerator.TCG, new MemoryOptions(true, 0)));
        assertTrue(QemuCommandLineTest.values(micro, "-device").contains(
                "virtio-balloon-device,id=balloon0,deflate-on-oom=on,free-page-reporting=on"), micro::toString);
        List<String> q35 = QemuCommandLine.build(plan("q35", Accelerator.KVM, new MemoryOptions(true, 0)));
        assertTrue(QemuCommandLineTest.values(q35, "-device").contains(
                "virtio-balloon-pci,id=balloon0,deflate-on-oom=on,free-page-reporting=on"), q35::toString);
    }

    @Test
    void memoryOptionsSurviveWithNetworkAndDefaultWhenNull() {
        VmConfig c = QemuCommandLineTest.config("microvm", new SharedFs.None()).withMemory(new MemoryOptions(true, 96));
        VmConfig n = c.withNetwork(List.of(new NetDevice.Tap("net0", "tap0_kata", "02:00:00:00:00:01")),
                Path.of("/var/run/netns/x"));
        assertEquals(new MemoryOptions(true, 96), n.memory());
        assertSame(MemoryOptions.DEFAULT, c.withMemory(null).memory());
        assertSame(MemoryOptions.DEFAULT, QemuCommandLineTest.config("microvm", new SharedFs.None()).memory());
    }

    @Test
    void rejectsANegativeOrHugeCodeBuffer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MemoryOptions(false, -1));
        assertTrue(e.getMessage().contains("tcgTranslationCacheMiB"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MemoryOptions(false, 4096));
    }
}
