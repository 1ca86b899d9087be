package dev.jkata.runtime.sandbox;

import dev.jkata.hypervisor.AcceleratorChoice;
import dev.jkata.runtime.agent.AgentTimeouts;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a sandbox needs from the configuration (Kata's TOML after annotations), in one record so
 * the orchestration does not depend on the TOML layer. Front ends build it with
 * {@link SandboxConfigs#from(dev.jkata.runtime.config.KataConfig)} or directly.
 *
 * @param hypervisorPath VMM binary ({@code [hypervisor.qemu] path})
 * @param kernel guest kernel
 * @param initrd guest initrd, or null
 * @param image guest image, or null
 * @param machineType machine type; blank = choose for the accelerator
 * @param kernelParams extra kernel parameters
 * @param vcpus boot vCPUs ({@code default_vcpus})
 * @param maxVcpus maximum vCPUs (0 = vcpus)
 * @param memoryMiB guest memory ({@code default_memory})
 * @param sharedFs how the shared directory reaches the guest ({@code shared_fs})
 * @param virtiofsDaemon virtiofsd binary ({@code virtio_fs_daemon})
 * @param virtiofsCache virtiofsd cache mode ({@code virtio_fs_cache})
 * @param virtiofsExtraArgs extra virtiofsd arguments ({@code virtio_fs_extra_args})
 * @param accelerator KVM, TCG or probe
 * @param hypervisorDebug {@code [hypervisor.qemu] enable_debug}
 * @param agentDebug {@code [agent.kata] enable_debug}: adds {@code agent.log=debug} to the kernel line
 * @param agentTimeouts agent deadlines ({@code dial_timeout} …)
 * @param runRoot parent of sandbox state directories ({@code /run/kata-containers})
 * @param sharedRoot parent of sandbox shared directories ({@code /run/kata-containers/shared/sandboxes})
 * @param kernelModules guest kernel modules the agent loads at CreateSandbox ({@code [agent.kata]
 *     kernel_modules}: {@code "name param=value …"} each)
 */
public record SandboxConfig(
        Path hypervisorPath,
        Path kernel,
        Path initrd,
        Path image,
        String machineType,
        String kernelParams,
        int vcpus,
        int maxVcpus,
        int memoryMiB,
        SharedFsType sharedFs,
        Path virtiofsDaemon,
        String virtiofsCache,
        List<String> virtiofsExtraArgs,
        AcceleratorChoice accelerator,
        boolean hypervisorDebug,
        boolean agentDebug,
        AgentTimeouts agentTimeouts,
        Path runRoot,
        Path sharedRoot,
        List<String> kernelModules) {

    /** Where Kata keeps per-sandbox state. */
    public static final Path DEFAULT_RUN_ROOT = Path.of("/run/kata-containers");
    /** Where Kata keeps per-sandbox shared directories. */
    public static final Path DEFAULT_SHARED_ROOT = Path.of("/run/kata-containers/shared/sandboxes");

    /** The shared filesystem types of Kata's {@code shared_fs} key that we support. */
    public enum SharedFsType {
        VIRTIO_FS("virtio-fs"), VIRTIO_9P("virtio-9p"), NONE("none");

        private final String key;

        SharedFsType(String key) {
            this.key = key;
        }

        /** The TOML spelling. */
        public String key() {
            return key;
        }

        /**
         * Parses Kata's spelling ({@code virtio-fs}, {@code virtio-9p}, {@code none}).
         *
         * @throws IllegalArgumentException naming the value and the accepted ones
         */
        public static SharedFsType parse(String value) {
            String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
            for (SharedFsType t : values()) {
                if (t.key.equals(v)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("shared_fs: expected one of \"virtio-fs\", \"virtio-9p\", \"none\", got \""
                    + value + "\"");
        }
    }

    public SandboxConfig {
        Objects.requireNonNull(hypervisorPath, "hypervisorPath");
        Objects.requireNonNull(kernel, "kernel");
        machineType = machineType == null ? "" : machineType;
        kernelParams = kernelParams == null ? "" : kernelParams;
        sharedFs = sharedFs == null ? SharedFsType.VIRTIO_FS : sharedFs;
        if (sharedFs == SharedFsType.VIRTIO_FS && virtiofsDaemon == null) {
            throw new IllegalArgumentException("virtio_fs_daemon: required when shared_fs = \"virtio-fs\"");
        }
        virtiofsCache = virtiofsCache == null || virtiofsCache.isBlank() ? "auto" : virtiofsCache;
        virtiofsExtraArgs = virtiofsExtraArgs == null ? List.of() : List.copyOf(virtiofsExtraArgs);
        accelerator = accelerator == null ? AcceleratorChoice.AUTO : accelerator;
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

    /** A copy with other state roots (tests keep their sandboxes under a temporary directory). */
    public SandboxConfig withRoots(Path newRunRoot, Path newSharedRoot) {
        return new SandboxConfig(hypervisorPath, kernel, initrd, image, machineType, kernelParams, vcpus, maxVcpus,
                memoryMiB, sharedFs, virtiofsDaemon, virtiofsCache, virtiofsExtraArgs, accelerator, hypervisorDebug,
                agentDebug, agentTimeouts, newRunRoot, newSharedRoot, kernelModules);
    }

    /** The state directory a sandbox gets under {@link #runRoot()} ({@code SandboxCleaner.cleanup} takes it). */
    public Path stateDirOf(String sandboxId) {
        return runRoot.resolve(sandboxId);
    }

    /** The shared directory a sandbox gets under {@link #sharedRoot()}. */
    public Path sharedDirOf(String sandboxId) {
        return sharedRoot.resolve(sandboxId).resolve("shared");
    }

    /** The kernel command line extras: configured parameters plus the agent's log level. */
    public String fullKernelParams() {
        StringBuilder sb = new StringBuilder(kernelParams.trim());
        if (agentDebug && !kernelParams.contains("agent.log=")) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append("agent.log=debug");
        }
        return sb.toString();
    }
}
