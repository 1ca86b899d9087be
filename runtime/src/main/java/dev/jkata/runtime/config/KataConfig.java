package dev.jkata.runtime.config;

import dev.jkata.hypervisor.SharedFs;
import dev.jkata.hypervisor.VmConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The typed configuration: the selected hypervisor table ({@code [hypervisor.qemu]}), {@code [agent.kata]}
 * and {@code [runtime]}.
 */
public record KataConfig(QemuConfig hypervisor, AgentConfig agent, RuntimeConfig runtime) {

    /** Mount tag of the shared filesystem (same as upstream Kata). */
    public static final String SHARED_FS_TAG = "kataShared";

    public KataConfig {
        Objects.requireNonNull(hypervisor, "hypervisor");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(runtime, "runtime");
    }

    /** Every key at its default (what an empty file gives). */
    public static KataConfig defaults() {
        return new KataConfig(QemuConfig.defaults(), AgentConfig.DEFAULT, RuntimeConfig.DEFAULT);
    }

    public KataConfig withHypervisor(QemuConfig q) {
        return new KataConfig(q, agent, runtime);
    }

    public KataConfig withAgent(AgentConfig a) {
        return new KataConfig(hypervisor, a, runtime);
    }

    public KataConfig withRuntime(RuntimeConfig r) {
        return new KataConfig(hypervisor, agent, r);
    }

    /**
     * The VM for a sandbox: sizes resolved as upstream does (vCPUs 0 → 1, negative or more than the host
     * has → the host's CPUs; max vCPUs 0 → the vCPUs), the shared directory wired as {@code shared_fs}
     * says with tag {@value #SHARED_FS_TAG}, kernel parameters = {@code kernel_params} + the agent's
     * parameters ({@link AgentConfig#kernelParams()}) + {@code extraKernelParams}.
     *
     * @param sandboxId VM name
     * @param stateDir per-sandbox state directory ({@code /run/kata-containers/<id>})
     * @param sharedDir host directory shared with the guest (ignored for {@code shared_fs = "none"})
     * @param extraKernelParams more parameters from the caller, may be empty
     */
    public VmConfig toVmConfig(String sandboxId, Path stateDir, Path sharedDir, String extraKernelParams) {
        int hostCpus = Runtime.getRuntime().availableProcessors();
        QemuConfig q = hypervisor;
        int vcpus = q.defaultVcpus() == 0 ? 1 : q.defaultVcpus() < 0 ? hostCpus : Math.min(q.defaultVcpus(), hostCpus);
        int maxVcpus = q.defaultMaxVcpus() <= 0 ? vcpus : Math.max(vcpus, Math.min(q.defaultMaxVcpus(), hostCpus));
        int memory = q.defaultMemoryMiB() <= 0 ? QemuConfig.DEFAULT_MEMORY_MIB : q.defaultMemoryMiB();
        SharedFs fs = switch (q.sharedFs()) {
            case VIRTIO_FS -> new SharedFs.VirtioFs(sharedDir, SHARED_FS_TAG, q.virtioFsDaemon(), q.virtioFsCache(),
                    q.virtioFsExtraArgs());
            case VIRTIO_9P -> new SharedFs.Virtio9p(sharedDir, SHARED_FS_TAG);
            case NONE -> new SharedFs.None();
        };
        List<String> params = new ArrayList<>();
        if (!q.kernelParams().isBlank()) {
            params.add(q.kernelParams().trim());
        }
        params.addAll(agent.kernelParams());
        if (extraKernelParams != null && !extraKernelParams.isBlank()) {
            params.add(extraKernelParams.trim());
        }
        return new VmConfig(sandboxId, stateDir, q.path(), q.kernel(), q.initrd(), q.image(), q.machineType(),
                String.join(" ", params), vcpus, maxVcpus, memory, fs, q.accelerator(), q.enableDebug(), List.of(), null,
                q.memoryOptions());
    }
}
