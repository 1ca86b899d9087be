package dev.jkata.hypervisor.qemu;

import dev.jkata.hypervisor.Accelerator;
import dev.jkata.hypervisor.NetDevice;
import dev.jkata.hypervisor.SharedFs;
import dev.jkata.hypervisor.VmConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds QEMU's argument list from a {@link LaunchPlan}. Pure: reads nothing from the host. */
final class QemuCommandLine {

    /** Name of the virtio-serial port the guest agent looks for. */
    static final String AGENT_PORT_NAME = "agent.channel.0";

    /**
     * Kernel parameters every guest gets (before the configured ones, which can override them): skip
     * slow probes (i8042, crypto self tests, timer checks) and power off on panic instead of hanging.
     */
    static final List<String> BASE_KERNEL_PARAMS = List.of(
            "tsc=reliable", "no_timer_check", "rcupdate.rcu_expedited=1",
            "i8042.direct=1", "i8042.dumbkbd=1", "i8042.nopnp=1", "i8042.noaux=1",
            "noreplace-smp", "reboot=k", "cryptomgr.notests", "net.ifnames=0", "panic=1");

    /** util-linux's nsenter: starts QEMU inside the pod's network namespace, where its tap devices are. */
    static final Path NSENTER = Path.of("/usr/bin/nsenter");

    private QemuCommandLine() {
    }

    /**
     * The process to start: {@link #build} as it is, or behind {@code nsenter --net=<netns> --} when the
     * VM has a network namespace (nsenter enters only the network namespace and then execs QEMU, so the
     * started process is QEMU itself, with the same pid).
     */
    static List<String> launch(LaunchPlan plan) {
        List<String> qemu = build(plan);
        Path netns = plan.config().netns();
        if (netns == null) {
            return qemu;
        }
        List<String> a = new ArrayList<>(List.of(NSENTER.toString(), "--net=" + netns, "--"));
        a.addAll(qemu);
        return List.copyOf(a);
    }

    static List<String> build(LaunchPlan plan) {
        VmConfig c = plan.config();
        boolean microvm = plan.family() == LaunchPlan.MachineFamily.MICROVM;
        boolean virtioFs = c.sharedFs() instanceof SharedFs.VirtioFs;
        List<String> a = new ArrayList<>();
        a.add(c.hypervisorPath().toString());
        a.addAll(List.of("-name", escape(c.id())));
        a.addAll(List.of("-nodefaults", "-nographic", "-no-reboot", "-no-user-config"));

        String machine = plan.machineType() + (virtioFs && microvm ? ",memory-backend=mem" : "");
        a.addAll(List.of("-machine", machine));
        a.addAll(List.of("-accel", MemoryArgs.accel(plan.accelerator(), c.memory())));
        a.addAll(List.of("-cpu", plan.accelerator() == Accelerator.KVM ? "host" : "max"));
        a.addAll(List.of("-smp", c.vcpus() + ",maxcpus=" + c.maxVcpus()));
        a.addAll(List.of("-m", c.memoryMiB() + "M"));
        if (virtioFs) {
            a.addAll(List.of("-object", "memory-backend-memfd,id=mem,size=" + c.memoryMiB() + "M,share=on"));
            if (!microvm) {
                a.addAll(List.of("-numa", "node,memdev=mem"));
            }
        }
        if (microvm) {
            // modern virtio-mmio: vhost-user devices (virtiofsd) refuse legacy ones
            a.addAll(List.of("-global", "virtio-mmio.force-legacy=false"));
        }

        a.addAll(List.of("-kernel", c.kernel().toString()));
        if (c.initrd() != null) {
            a.addAll(List.of("-initrd", c.initrd().toString()));
        }
        a.addAll(List.of("-append", kernelCommandLine(plan)));

        a.addAll(List.of("-chardev", "file,id=console0,path=" + escape(plan.consoleLog())));
        a.addAll(List.of("-serial", "chardev:console0"));
        a.addAll(List.of("-chardev", "socket,id=qmp0,path=" + escape(plan.qmpSocket()) + ",server=on,wait=off"));
        a.addAll(List.of("-mon", "chardev=qmp0,mode=control"));

        switch (plan.agentChannel()) {
            case LaunchPlan.AgentChannel.Serial s -> {
                a.addAll(List.of("-device", (microvm ? "virtio-serial-device" : "virtio-serial-pci") + ",id=serial0"));
                a.addAll(List.of("-chardev",
                        "socket,id=agent0,path=" + escape(plan.agentSocket()) + ",server=on,wait=off"));
                a.addAll(List.of("-device", "virtserialport,bus=serial0.0,chardev=agent0,name=" + AGENT_PORT_NAME));
            }
            case LaunchPlan.AgentChannel.Vsock v -> a.addAll(List.of("-device",
                    (microvm ? "vhost-vsock-device" : "vhost-vsock-pci") + ",id=vsock0,guest-cid=" + v.guestCid()));
        }

        if (c.image() != null) {
            a.addAll(List.of("-drive",
                    "file=" + escape(c.image()) + ",if=none,id=image0,format=raw,readonly=on,cache=none,aio=threads"));
            a.addAll(List.of("-device", (microvm ? "virtio-blk-device" : "virtio-blk-pci") + ",drive=image0"));
        }

        switch (c.sharedFs()) {
            case SharedFs.None n -> {
            }
            case SharedFs.VirtioFs fs -> {
                a.addAll(List.of("-chardev", "socket,id=vfs0,path=" + escape(plan.virtiofsdSocket())));
                a.addAll(List.of("-device", (microvm ? "vhost-user-fs-device" : "vhost-user-fs-pci")
                        + ",chardev=vfs0,tag=" + escape(fs.tag())));
            }
            case SharedFs.Virtio9p fs -> {
                a.addAll(List.of("-fsdev",
                        "local,id=fs0,path=" + escape(fs.sharedDir()) + ",security_model=none"));
                a.addAll(List.of("-device", (microvm ? "virtio-9p-device" : "virtio-9p-pci")
                        + ",fsdev=fs0,mount_tag=" + escape(fs.tag())));
            }
        }
        for (NetDevice d : c.netDevices()) {
            a.addAll(netDeviceArgs(d, microvm));
        }
        a.addAll(List.of("-device", (microvm ? "virtio-rng-device" : "virtio-rng-pci")));
        a.addAll(MemoryArgs.balloon(c.memory(), microvm));
        return List.copyOf(a);
    }

    /**
     * A tap opened by name (no helper scripts, no vhost-net: the host may lack /dev/vhost-net) and the
     * virtio-net device the guest sees, with the MAC the pod's interface has.
     */
    static List<String> netDeviceArgs(NetDevice device, boolean microvm) {
        return switch (device) {
            case NetDevice.Tap t -> List.of(
                    "-netdev", "tap,id=" + t.id() + ",ifname=" + t.tapName() + ",script=no,downscript=no,vhost=off",
                    "-device", (microvm ? "virtio-net-device" : "virtio-net-pci") + ",netdev=" + t.id()
                            + ",mac=" + t.mac());
        };
    }

    /** Our base parameters, console, TSC hint and root device, then the configured parameters. */
    static String kernelCommandLine(LaunchPlan plan) {
        VmConfig c = plan.config();
        List<String> p = new ArrayList<>(BASE_KERNEL_PARAMS);
        if (plan.family() == LaunchPlan.MachineFamily.PCI) {
            p.add("pci=lastbus=0");
        }
        p.add("console=ttyS0");
        p.add(c.debug() ? "debug" : "quiet");
        if (plan.accelerator() == Accelerator.TCG && plan.tscKhz().isPresent()) {
            p.add("tsc_early_khz=" + plan.tscKhz().getAsLong());
        }
        if (c.image() != null && c.initrd() == null && !c.kernelParams().contains("root=")) {
            p.addAll(List.of("root=/dev/vda1", "rootflags=data=ordered,errors=remount-ro", "ro", "rootfstype=ext4"));
        }
        if (!c.kernelParams().isBlank()) {
            p.add(c.kernelParams());
        }
        return String.join(" ", p);
    }

    /** QEMU option values use ',' as separator; a literal comma is written twice. */
    static String escape(String value) {
        return value.replace(",", ",,");
    }

    static String escape(Path value) {
        return escape(value.toString());
    }
}
