package dev.jkata.runtime.sandbox;

import dev.jkata.hypervisor.SharedFs;
import dev.jkata.hypervisor.VmConfig;
import dev.jkata.runtime.agent.AgentTimeouts;
import dev.jkata.runtime.config.SharedFsType;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a sandbox needs from the configuration (Kata's TOML after annotations), in one record so
 * the orchestration does not depend on the TOML layer. Front ends build it with
 * {@link SandboxConfigs#from(dev.jkata.runtime.config.KataConfig)} or directly.
 *
 * @param vm the VM every sandbox of this configuration gets, as {@code KataConfig.toVmConfig} maps it:
 *     VMM, kernel, initrd/image, machine, kernel parameters (the agent's included), sizes, shared
 *     filesystem, accelerator, memory options. Its id, state directory and shared directory are
 *     placeholders: {@link #vmConfigOf} puts in a sandbox's own. Without network devices.
 * @param agentTimeouts agent deadlines ({@code dial_timeout} …)
 * @param runRoot parent of sandbox state directories ({@code /run/kata-containers})
 * @param sharedRoot parent of sandbox shared directories ({@code /run/kata-containers/shared/sandboxes})
 * @param kernelModules guest kernel modules the agent loads at CreateSandbox ({@code [agent.kata]
 *     kernel_modules}: {@code "name param=value …"} each)
 */
public record SandboxConfig(
        VmConfig vm,
        AgentTimeouts agentTimeouts,
        Path runRoot,
        Path sharedRoot,
        List<String> kernelModules) {

    /** Where Kata keeps per-sandbox state. */
    public static final Path DEFAULT_RUN_ROOT = Path.of("/run/kata-containers");
    /** Where Kata keeps per-sandbox shared directories. */
    public static final Path DEFAULT_SHARED_ROOT = Path.of("/run/kata-containers/shared/sandboxes");

    public SandboxConfig {
        Objects.requireNonNull(vm, "vm");
        agentTimeouts = agentTimeouts == null ? AgentTimeouts.DEFAULT : agentTimeouts;
        runRoot = runRoot == null ? DEFAULT_RUN_ROOT : runRoot;
        sharedRoot = sharedRoot == null ? DEFAULT_SHARED_ROOT : sharedRoot;
        kernelModules = kernelModules == null ? List.of() : List.copyOf(kernelModules);
        for (String m : kernelModules) {
            if (m == null || m.isBlank()) {
                throw new IllegalArgumentException("kernel_modules: expected \"name [param=value …]\", got an empty entry");
            }
        }
    }

    /** How the shared directory reaches the guest ({@code shared_fs}). */
    public SharedFsType sharedFs() {
        return switch (vm.sharedFs()) {
            case SharedFs.VirtioFs v -> SharedFsType.VIRTIO_FS;
            case SharedFs.Virtio9p v -> SharedFsType.VIRTIO_9P;
            case SharedFs.None n -> SharedFsType.NONE;
        };
    }

    /** A copy with other state roots (tests keep their sandboxes under a temporary directory). */
    public SandboxConfig withRoots(Path newRunRoot, Path newSharedRoot) {
        return new SandboxConfig(vm, agentTimeouts, newRunRoot, newSharedRoot, kernelModules);
    }

    /** A copy whose VM has these sizes ({@code maxVcpus} 0 = {@code vcpus}). */
    public SandboxConfig withSize(int vcpus, int maxVcpus, int memoryMiB) {
        VmConfig v = vm;
        return new SandboxConfig(new VmConfig(v.id(), v.stateDir(), v.hypervisorPath(), v.kernel(), v.initrd(),
                v.image(), v.machineType(), v.kernelParams(), vcpus, maxVcpus, memoryMiB, v.sharedFs(),
                v.accelerator(), v.debug(), v.netDevices(), v.netns(), v.memory()), agentTimeouts, runRoot,
                sharedRoot, kernelModules);
    }

    /** The state directory a sandbox gets under {@link #runRoot()} ({@code SandboxCleaner.cleanup} takes it). */
    public Path stateDirOf(String sandboxId) {
        return runRoot.resolve(sandboxId);
    }

    /** The shared directory a sandbox gets under {@link #sharedRoot()}. */
    public Path sharedDirOf(String sandboxId) {
        return sharedRoot.resolve(sandboxId).resolve("shared");
    }

    /** {@link #vm()} for sandbox {@code id}: its name, state directory and shared directory put in. */
    public VmConfig vmConfigOf(String id, Path stateDir, Path sharedDir) {
        VmConfig v = vm;
        SharedFs fs = switch (v.sharedFs()) {
            case SharedFs.VirtioFs f -> new SharedFs.VirtioFs(sharedDir, f.tag(), f.daemon(), f.cache(), f.extraArgs());
            case SharedFs.Virtio9p f -> new SharedFs.Virtio9p(sharedDir, f.tag());
            case SharedFs.None n -> n;
        };
        return new VmConfig(id, stateDir, v.hypervisorPath(), v.kernel(), v.initrd(), v.image(), v.machineType(),
                v.kernelParams(), v.vcpus(), v.maxVcpus(), v.memoryMiB(), fs, v.accelerator(), v.debug(),
                v.netDevices(), v.netns(), v.memory());
    }
}
