package dev.jkata.hypervisor;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything needed to boot one VM.
 *
 * @param id VM name (the sandbox id); used for {@code -name}
 * @param stateDir per-VM directory for sockets and logs (QMP, agent channel, console, virtiofsd)
 * @param hypervisorPath the VMM binary
 * @param kernel guest kernel (for QEMU microvm the uncompressed ELF)
 * @param initrd guest initrd, or {@code null}
 * @param image guest root disk image (virtio-blk), or {@code null}
 * @param machineType machine type; {@code null} or blank = choose for the accelerator
 * @param kernelParams extra kernel command line
 * @param vcpus boot vCPUs
 * @param maxVcpus maximum vCPUs (0 = same as {@code vcpus})
 * @param memoryMiB guest memory in MiB
 * @param sharedFs shared filesystem
 * @param accelerator requested accelerator
 * @param debug more verbose guest/VMM output
 * @param netDevices guest network devices (empty = no network)
 * @param netns network namespace file the VMM is started in ({@code /var/run/netns/x},
 *     {@code /proc/<pid>/ns/net}), or {@code null} = the caller's; needed when {@code netDevices}
 *     name tap devices that live in a pod's namespace
 * @param memory host memory options (balloon free page reporting, TCG code buffer);
 *     {@code null} = {@link MemoryOptions#DEFAULT}
 */
public record VmConfig(
        String id,
        Path stateDir,
        Path hypervisorPath,
        Path kernel,
        Path initrd,
        Path image,
        String machineType,
        String kernelParams,
        int vcpus,
        int maxVcpus,
        int memoryMiB,
        SharedFs sharedFs,
        AcceleratorChoice accelerator,
        boolean debug,
        List<NetDevice> netDevices,
        Path netns,
        MemoryOptions memory) {

    /** A VM without network devices, started in the caller's network namespace. */
    public VmConfig(String id, Path stateDir, Path hypervisorPath, Path kernel, Path initrd, Path image,
            String machineType, String kernelParams, int vcpus, int maxVcpus, int memoryMiB, SharedFs sharedFs,
            AcceleratorChoice accelerator, boolean debug) {
        this(id, stateDir, hypervisorPath, kernel, initrd, image, machineType, kernelParams, vcpus, maxVcpus,
                memoryMiB, sharedFs, accelerator, debug, List.of(), null, MemoryOptions.DEFAULT);
    }

    /** A VM with these network devices and {@link MemoryOptions#DEFAULT}. */
    public VmConfig(String id, Path stateDir, Path hypervisorPath, Path kernel, Path initrd, Path image,
            String machineType, String kernelParams, int vcpus, int maxVcpus, int memoryMiB, SharedFs sharedFs,
            AcceleratorChoice accelerator, boolean debug, List<NetDevice> netDevices, Path netns) {
        this(id, stateDir, hypervisorPath, kernel, initrd, image, machineType, kernelParams, vcpus, maxVcpus,
                memoryMiB, sharedFs, accelerator, debug, netDevices, netns, MemoryOptions.DEFAULT);
    }

    public VmConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(hypervisorPath, "hypervisorPath");
        Objects.requireNonNull(kernel, "kernel");
        if (id.isBlank()) {
            throw new IllegalArgumentException("VM id: expected a non-empty name");
        }
        if (vcpus < 1) {
            throw new IllegalArgumentException("vcpus: expected at least 1, got " + vcpus);
        }
        if (maxVcpus == 0) {
            maxVcpus = vcpus;
        }
        if (maxVcpus < vcpus) {
            throw new IllegalArgumentException(
                    "maxVcpus: expected at least vcpus (" + vcpus + "), got " + maxVcpus);
        }
        if (memoryMiB < 64) {
            throw new IllegalArgumentException("memoryMiB: expected at least 64, got " + memoryMiB);
        }
        machineType = machineType == null ? "" : machineType.trim();
        kernelParams = kernelParams == null ? "" : kernelParams.trim();
        sharedFs = sharedFs == null ? new SharedFs.None() : sharedFs;
        accelerator = accelerator == null ? AcceleratorChoice.AUTO : accelerator;
        netDevices = netDevices == null ? List.of() : List.copyOf(netDevices);
        memory = memory == null ? MemoryOptions.DEFAULT : memory;
        Set<String> ids = new HashSet<>();
        for (NetDevice d : netDevices) {
            if (!ids.add(d.id())) {
                throw new IllegalArgumentException("netDevices: device id \"" + d.id() + "\" used twice");
            }
        }
    }

    /**
     * A copy with these network devices, started in {@code namespace} ({@code null} = the caller's
     * network namespace).
     */
    public VmConfig withNetwork(List<NetDevice> devices, Path namespace) {
        return new VmConfig(id, stateDir, hypervisorPath, kernel, initrd, image, machineType, kernelParams, vcpus,
                maxVcpus, memoryMiB, sharedFs, accelerator, debug, devices, namespace, memory);
    }

    /** A copy with these memory options ({@code null} = {@link MemoryOptions#DEFAULT}). */
    public VmConfig withMemory(MemoryOptions options) {
        return new VmConfig(id, stateDir, hypervisorPath, kernel, initrd, image, machineType, kernelParams, vcpus,
                maxVcpus, memoryMiB, sharedFs, accelerator, debug, netDevices, netns, options);
    }
}
