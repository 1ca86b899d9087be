package dev.jkata.hypervisor.qemu;

import dev.jkata.hypervisor.Accelerator;
import dev.jkata.hypervisor.VmConfig;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A {@link VmConfig} with every host-dependent choice made: accelerator, machine type, agent channel,
 * TSC frequency. {@link QemuCommandLine} turns it into arguments without looking at the host.
 */
record LaunchPlan(VmConfig config, Accelerator accelerator, String machineType, AgentChannel agentChannel,
        OptionalLong tscKhz) {

    /** The host side of the agent channel. */
    sealed interface AgentChannel {
        /** virtio-serial port {@code agent.channel.0} on a QEMU server socket. */
        record Serial() implements AgentChannel {
        }

        /** vhost-vsock with this guest context id. */
        record Vsock(int guestCid) implements AgentChannel {
        }
    }

    /** Machines we know how to wire: microvm (virtio-mmio) or a PC with PCI (pc, q35 and versions). */
    enum MachineFamily { MICROVM, PCI }

    LaunchPlan {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(agentChannel, "agentChannel");
        Objects.requireNonNull(tscKhz, "tscKhz");
        machineType = machineType == null || machineType.isBlank()
                ? defaultMachine(accelerator) : machineType.trim();
    }

    /** TCG boots fastest on microvm with an ELF kernel; KVM hosts get the well-trodden q35. */
    static String defaultMachine(Accelerator accelerator) {
        return accelerator == Accelerator.TCG ? "microvm" : "q35";
    }

    MachineFamily family() {
        String m = machineType.toLowerCase(Locale.ROOT);
        return m.equals("microvm") || m.startsWith("microvm,") ? MachineFamily.MICROVM : MachineFamily.PCI;
    }

    Path stateDir() {
        return config.stateDir();
    }

    Path qmpSocket() {
        return stateDir().resolve("qmp.sock");
    }

    Path agentSocket() {
        return stateDir().resolve("agent.sock");
    }

    Path consoleLog() {
        return stateDir().resolve("console.log");
    }

    Path virtiofsdSocket() {
        return stateDir().resolve("virtiofsd.sock");
    }

    Path qemuLog() {
        return stateDir().resolve("qemu.log");
    }

    Path virtiofsdLog() {
        return stateDir().resolve("virtiofsd.log");
    }
}
