package dev.jkata.runtime.sandbox;

import dev.jkata.hypervisor.VmConfig;
import dev.jkata.runtime.agent.AgentTimeouts;
import dev.jkata.runtime.config.KataConfig;
import dev.jkata.runtime.config.QemuConfig;
import java.nio.file.Path;

/** Builds a {@link SandboxConfig} from Kata's configuration (after annotations were applied). */
public final class SandboxConfigs {

    private SandboxConfigs() {
    }

    /** The sandbox settings of {@code kata}, with the default state roots under /run/kata-containers. */
    public static SandboxConfig from(KataConfig kata) {
        return from(kata, SandboxConfig.DEFAULT_RUN_ROOT, SandboxConfig.DEFAULT_SHARED_ROOT);
    }

    /**
     * The sandbox settings of {@code kata}: VM sizes resolved as {@link KataConfig#toVmConfig} does,
     * agent kernel parameters ({@code agent.log=debug} …) added, {@code dial_timeout} and
     * {@code create_container_timeout} as the agent deadlines.
     */
    public static SandboxConfig from(KataConfig kata, Path runRoot, Path sharedRoot) {
        QemuConfig q = kata.hypervisor();
        VmConfig resolved = kata.toVmConfig("resolve", runRoot, sharedRoot, null);
        SandboxConfig.SharedFsType fs = switch (q.sharedFs()) {
            case VIRTIO_FS -> SandboxConfig.SharedFsType.VIRTIO_FS;
            case VIRTIO_9P -> SandboxConfig.SharedFsType.VIRTIO_9P;
            case NONE -> SandboxConfig.SharedFsType.NONE;
        };
        AgentTimeouts timeouts = new AgentTimeouts(kata.agent().dialTimeout(), AgentTimeouts.DEFAULT.checkTry(),
                kata.runtime().createContainerTimeout());
        return new SandboxConfig(resolved.hypervisorPath(), resolved.kernel(), resolved.initrd(), resolved.image(),
                resolved.machineType(), resolved.kernelParams(), resolved.vcpus(), resolved.maxVcpus(),
                resolved.memoryMiB(), fs, q.virtioFsDaemon(), q.virtioFsCache(), q.virtioFsExtraArgs(),
                resolved.accelerator(), resolved.debug(), kata.agent().enableDebug(), timeouts, runRoot, sharedRoot,
                kata.agent().kernelModules());
    }
}
