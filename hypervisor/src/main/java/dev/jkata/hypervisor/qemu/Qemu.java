package dev.jkata.hypervisor.qemu;

import dev.jkata.hypervisor.Hypervisor;
import dev.jkata.hypervisor.HypervisorException;
import dev.jkata.hypervisor.VirtualMachine;
import dev.jkata.hypervisor.VmConfig;

/** QEMU driver: builds the command line, starts QEMU, drives it over QMP. */
public final class Qemu implements Hypervisor {

    /** A QEMU driver that probes the host's accelerator from /dev/kvm and /proc/cpuinfo. */
    public Qemu() {
    }

    @Override
    public VirtualMachine start(VmConfig config) throws HypervisorException {
        throw new HypervisorException("QEMU driver: start is being implemented");
    }
}
