package dev.jkata.hypervisor;

/**
 * Boots virtual machines. One implementation per VMM; {@link dev.jkata.hypervisor.qemu.Qemu} is the
 * one that runs everywhere (KVM when usable, TCG otherwise).
 *
 * <p>Everything a VM can do after boot lives on {@link VirtualMachine}: agent endpoint, pause, resume,
 * stop and the exit completion. A hypervisor knows nothing about sandboxes or containers.
 */
public interface Hypervisor {

    /**
     * Starts a VM and returns once its control channel is up (for QEMU: QMP answered
     * {@code qmp_capabilities}). The guest may still be booting; wait for the agent on
     * {@link VirtualMachine#agentEndpoint()}.
     *
     * @throws HypervisorException when the configuration is unusable or the VMM dies during start;
     *     the message names the input or includes the tail of the VMM's log
     */
    VirtualMachine start(VmConfig config) throws HypervisorException;
}
