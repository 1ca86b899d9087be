package dev.jkata.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.hypervisor.Accelerator;
import dev.jkata.hypervisor.AcceleratorChoice;
import dev.jkata.hypervisor.SharedFs;
import dev.jkata.hypervisor.VmConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class QemuCommandLineTest {

    private static final Path STATE = Path.of("/run/kata-containers/sb1");
    private static final Path SHARED = Path.of("/run/kata-containers/shared/sandboxes/sb1/shared");

    static VmConfig config(String machine, SharedFs fs) {
        return new VmConfig("sb1", STATE, Path.of("/usr/bin/qemu-system-x86_64"), Path.of("/k/vmlinux"),
                Path.of("/k/initrd.img"), null, machine, "agent.log=debug", 2, 4, 512, fs, AcceleratorChoice.AUTO,
                false);
    }

    static LaunchPlan plan(String machine, SharedFs fs, Accelerator acc, LaunchPlan.AgentChannel ch) {
        return new LaunchPlan(config(machine, fs), acc, machine, ch, OptionalLong.of(2596140));
    }

    /** The value following {@code option}, for every occurrence. */
    static List<String> values(List<String> args, String option) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size() - 1; i++) {
            if (args.get(i).equals(option)) {
                out.add(args.get(i + 1));
            }
        }
        return out;
    }

    static List<Arguments> matrix() {
        List<SharedFs> fss = List.of(new SharedFs.None(),
                new SharedFs.VirtioFs(SHARED, "kataShared", Path.of("/usr/lib/qemu/virtiofsd"), "auto", List.of()),
                new SharedFs.Virtio9p(SHARED, "kataShared"));
        List<LaunchPlan.AgentChannel> channels =
                List.of(new LaunchPlan.AgentChannel.Serial(), new LaunchPlan.AgentChannel.Vsock(1234));
        List<Arguments> out = new ArrayList<>();
        for (String m : List.of("microvm", "q35")) {
            for (SharedFs fs : fss) {
                for (LaunchPlan.AgentChannel ch : channels) {
                    out.add(Arguments.of(m, fs, ch));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("matrix")
    void everyCombinationIsWiredForItsBus(String machine, SharedFs fs, LaunchPlan.AgentChannel ch) {
        boolean microvm = machine.equals("microvm");
        List<String> a = QemuCommandLine.build(plan(machine, fs, Accelerator.TCG, ch));
        List<String> devices = values(a, "-device");
        String suffix = microvm ? "-device" : "-pci";

        assertEquals("/usr/bin/qemu-system-x86_64", a.get(0));
        assertTrue(a.containsAll(List.of("-nodefaults", "-nographic", "-no-reboot", "-no-user-config")));
        assertEquals(List.of("sb1"), values(a, "-name"));
        assertEquals(List.of("2,maxcpus=4"), values(a, "-smp"));
        assertEquals(List.of("512M"), values(a, "-m"));
        assertEquals(List.of("tcg,thread=multi,tb-size=64"), values(a, "-accel"), "TCG code buffer bounded");
        assertEquals(List.of("max"), values(a, "-cpu"));
        assertEquals(List.of("/k/vmlinux"), values(a, "-kernel"));
        assertEquals(List.of("/k/initrd.img"), values(a, "-initrd"));
        assertTrue(values(a, "-chardev").contains(
                "socket,id=qmp0,path=/run/kata-containers/sb1/qmp.sock,server=on,wait=off"));
        assertTrue(values(a, "-chardev").contains("file,id=console0,path=/run/kata-containers/sb1/console.log"));
        assertEquals(List.of("chardev:console0"), values(a, "-serial"));
        assertEquals(microvm, values(a, "-global").contains("virtio-mmio.force-legacy=false"));

        switch (ch) {
            case LaunchPlan.AgentChannel.Serial s -> {
                assertTrue(devices.contains("virtio-serial" + suffix + ",id=serial0"), devices.toString());
                assertTrue(devices.contains("virtserialport,bus=serial0.0,chardev=agent0,name=agent.channel.0"));
                assertTrue(values(a, "-chardev").contains(
                        "socket,id=agent0,path=/run/kata-containers/sb1/agent.sock,server=on,wait=off"));
            }
            case LaunchPlan.AgentChannel.Vsock v -> {
                assertTrue(devices.contains("vhost-vsock" + suffix + ",id=vsock0,guest-cid=1234"), devices.toString());
                assertFalse(devices.stream().anyMatch(d -> d.startsWith("virtserialport")));
            }
        }

        String machineArg = values(a, "-machine").getFirst();
        switch (fs) {
            case SharedFs.None n -> {
                assertEquals(machine, machineArg);
                assertTrue(values(a, "-object").isEmpty());
                assertTrue(values(a, "-fsdev").isEmpty());
            }
            case SharedFs.VirtioFs v -> {
                assertEquals(List.of("memory-backend-memfd,id=mem,size=512M,share=on"), values(a, "-object"));
                assertEquals(microvm ? "microvm,memory-backend=mem" : "q35", machineArg);
                assertEquals(microvm ? List.of() : List.of("node,memdev=mem"), values(a, "-numa"));
                assertTrue(values(a, "-chardev").contains(
                        "socket,id=vfs0,path=/run/kata-containers/sb1/virtiofsd.sock"));
                assertTrue(devices.contains("vhost-user-fs" + suffix + ",chardev=vfs0,tag=kataShared"), devices.toString());
            }
            case SharedFs.Virtio9p p -> {
                assertEquals(machine, machineArg);
                assertEquals(List.of("local,id=fs0,path=" + SHARED + ",security_model=none"), values(a, "-fsdev"));
                assertTrue(devices.contains("virtio-9p" + suffix + ",fsdev=fs0,mount_tag=kataShared"));
            }
        }
    }

    @Test
    void kvmUsesHostCpuAndNoTscHint() {
        List<String> a = QemuCommandLine.build(plan("q35", new SharedFs.None(), Accelerator.KVM,
                new LaunchPlan.AgentChannel.Serial()));
        assertEquals(List.of("kvm"), values(a, "-accel"));
        assertEquals(List.of("host"), values(a, "-cpu"));
        String append = values(a, "-append").getFirst();
        assertFalse(append.contains("tsc_early_khz"), append);
        assertTrue(append.contains("pci=lastbus=0"), append);
    }

    @Test
    void kernelCommandLineHasConsoleTscQuietAndConfiguredParamsLast() {
        String append = QemuCommandLine.kernelCommandLine(plan("microvm", new SharedFs.None(), Accelerator.TCG,
                new LaunchPlan.AgentChannel.Serial()));
        List<String> words = List.of(append.split(" "));
        assertTrue(words.containsAll(List.of("console=ttyS0", "panic=1", "quiet", "tsc_early_khz=2596140")), append);
        assertFalse(words.contains("pci=lastbus=0"), "microvm has no PCI: " + append);
        assertEquals("agent.log=debug", words.getLast());
    }

    @Test
    void debugReplacesQuiet() {
        VmConfig c = new VmConfig("sb1", STATE, Path.of("/q"), Path.of("/k"), Path.of("/i"), null, "", "", 1, 0,
                256, null, null, true);
        String append = QemuCommandLine.kernelCommandLine(new LaunchPlan(c, Accelerator.TCG, null,
                new LaunchPlan.AgentChannel.Serial(), OptionalLong.empty()));
        assertTrue(append.contains(" debug"), append);
        assertFalse(append.contains("quiet"), append);
        assertFalse(append.contains("tsc_early_khz"), "no TSC known: " + append);
    }

    @Test
    void imageBootsFromVirtioBlkWithRootParams() {
        VmConfig c = new VmConfig("sb1", STATE, Path.of("/q"), Path.of("/k"), null, Path.of("/img/kata.img"), "q35",
                "", 1, 1, 256, new SharedFs.None(), AcceleratorChoice.TCG, false);
        List<String> a = QemuCommandLine.build(new LaunchPlan(c, Accelerator.TCG, "q35",
                new LaunchPlan.AgentChannel.Serial(), OptionalLong.empty()));
        assertTrue(values(a, "-initrd").isEmpty());
        assertTrue(values(a, "-drive").getFirst().startsWith("file=/img/kata.img,if=none,id=image0,format=raw"));
        assertTrue(values(a, "-device").contains("virtio-blk-pci,drive=image0"));
        assertTrue(values(a, "-append").getFirst().contains("root=/dev/vda1"));
    }

    @Test
    void defaultMachineFollowsTheAccelerator() {
        LaunchPlan tcg = new LaunchPlan(config("", new SharedFs.None()), Accelerator.TCG, "",
                new LaunchPlan.AgentChannel.Serial(), OptionalLong.empty());
        LaunchPlan kvm = new LaunchPlan(config("", new SharedFs.None()), Accelerator.KVM, null,
                new LaunchPlan.AgentChannel.Serial(), OptionalLong.empty());
        assertEquals("microvm", tcg.machineType());
        assertEquals(LaunchPlan.MachineFamily.MICROVM, tcg.family());
        assertEquals("q35", kvm.machineType());
        assertEquals(LaunchPlan.MachineFamily.PCI, kvm.family());
        assertEquals(LaunchPlan.MachineFamily.PCI, new LaunchPlan(config("pc-q35-7.2", new SharedFs.None()),
                Accelerator.KVM, "pc-q35-7.2", new LaunchPlan.AgentChannel.Serial(), OptionalLong.empty()).family());
    }

    @Test
    void commasInPathsAreDoubled() {
        VmConfig c = new VmConfig("a,b", Path.of("/run/x,y"), Path.of("/q"), Path.of("/k"), Path.of("/i"), null,
                "microvm", "", 1, 1, 256, new SharedFs.Virtio9p(Path.of("/s,t"), "kataShared"), null, false);
        List<String> a = QemuCommandLine.build(new LaunchPlan(c, Accelerator.TCG, "microvm",
                new LaunchPlan.AgentChannel.Serial(), OptionalLong.empty()));
        assertEquals(List.of("a,,b"), values(a, "-name"));
        assertTrue(values(a, "-chardev").contains("socket,id=qmp0,path=/run/x,,y/qmp.sock,server=on,wait=off"));
        assertEquals(List.of("local,id=fs0,path=/s,,t,security_model=none"), values(a, "-fsdev"));
    }

    @Test
    void virtiofsdCommandHasSocketSourceCacheAndExtras() {
        SharedFs.VirtioFs fs = new SharedFs.VirtioFs(SHARED, "kataShared", Path.of("/usr/lib/qemu/virtiofsd"),
                "never", List.of("--thread-pool-size=1"));
        assertEquals(List.of("/usr/lib/qemu/virtiofsd", "--socket-path=/s/virtiofsd.sock",
                "-o", "source=" + SHARED, "-o", "cache=none", "--thread-pool-size=1"),
                Virtiofsd.command(fs, Path.of("/s/virtiofsd.sock")));
    }
}
