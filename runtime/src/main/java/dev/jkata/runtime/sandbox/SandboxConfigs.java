package dev.jkata.runtime.sandbox;

import dev.jkata.hypervisor.VmConfig;
import dev.jkata.proto.agent.Spec;
import dev.jkata.runtime.agent.AgentTimeouts;
import dev.jkata.runtime.config.KataConfig;
import java.nio.file.Path;

/** Builds a {@link SandboxConfig} from Kata's configuration (after annotations were applied). */
public final class SandboxConfigs {

    private static final System.Logger LOG = System.getLogger(SandboxConfigs.class.getName());
    /** The VM name of {@link SandboxConfig#vm()} until a sandbox's own is put in. */
    private static final String TEMPLATE_ID = "template";

    private SandboxConfigs() {
    }

    /**
     * The settings of a sandbox whose first container has {@code spec}: {@link #from(KataConfig)}, sized by
     * {@link SandboxSizing#of} when {@code static_sandbox_resource_mgmt = true}.
     *
     * @throws SandboxException INVALID_ARGUMENT naming a malformed sizing annotation
     */
    public static SandboxConfig from(KataConfig kata, Spec spec) throws SandboxException {
        return sized(kata, spec, from(kata));
    }

    /** As {@link #from(KataConfig, Spec)} with other state roots (tests). */
    public static SandboxConfig from(KataConfig kata, Spec spec, Path runRoot, Path sharedRoot)
            throws SandboxException {
        return sized(kata, spec, from(kata, runRoot, sharedRoot));
    }

    private static SandboxConfig sized(KataConfig kata, Spec spec, SandboxConfig base) throws SandboxException {
        if (!kata.runtime().staticSandboxResourceMgmt()) {
            return base;
        }
        SandboxSizing extra = SandboxSizing.of(spec);
        SandboxConfig sized = extra.applyTo(base);
        LOG.log(System.Logger.Level.INFO, "static_sandbox_resource_mgmt: +{0} vCPUs, +{1} MiB from {2}: {3} vCPUs, "
                + "{4} MiB", extra.extraVcpus(), extra.extraMemoryMiB(), extra.source(), sized.vm().vcpus(),
                sized.vm().memoryMiB());
        return sized;
    }

    /** The sandbox settings of {@code kata}, with the default state roots under /run/kata-containers. */
    public static SandboxConfig from(KataConfig kata) {
        return from(kata, SandboxConfig.DEFAULT_RUN_ROOT, SandboxConfig.DEFAULT_SHARED_ROOT);
    }

    /**
     * The sandbox settings of {@code kata}: the VM as {@link KataConfig#toVmConfig} maps it (sizes resolved,
     * the agent's kernel parameters such as {@code agent.log=debug} added), {@code dial_timeout} and
     * {@code create_container_timeout} as the agent deadlines.
     */
    public static SandboxConfig from(KataConfig kata, Path runRoot, Path sharedRoot) {
        VmConfig vm = kata.toVmConfig(TEMPLATE_ID, runRoot, sharedRoot, null);
        AgentTimeouts timeouts = new AgentTimeouts(kata.agent().dialTimeout(), AgentTimeouts.DEFAULT.checkTry(),
                kata.runtime().createContainerTimeout());
        return new SandboxConfig(vm, timeouts, runRoot, sharedRoot, kata.agent().kernelModules());
    }
}
