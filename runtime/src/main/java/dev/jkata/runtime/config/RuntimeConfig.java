package dev.jkata.runtime.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code [runtime]}.
 *
 * @param enableDebug debug-level runtime/shim logs ({@code enable_debug})
 * @param internetworkingModel {@code tcfilter}, {@code macvtap} or {@code none} ({@code internetworking_model})
 * @param disableNewNetns keep QEMU in the caller's network namespace ({@code disable_new_netns})
 * @param sandboxCgroupOnly put every sandbox process in one cgroup ({@code sandbox_cgroup_only})
 * @param createContainerTimeout deadline of the agent's CreateContainer ({@code create_container_timeout}, seconds)
 * @param experimental enabled experimental features ({@code experimental})
 * @param staticSandboxResourceMgmt size the VM once at sandbox creation from the pod's (or the single
 *     container's) CPU and memory limits ({@code static_sandbox_resource_mgmt}, upstream's default for
 *     QEMU: false)
 */
public record RuntimeConfig(boolean enableDebug, String internetworkingModel, boolean disableNewNetns,
        boolean sandboxCgroupOnly, Duration createContainerTimeout, List<String> experimental,
        boolean staticSandboxResourceMgmt) {

    /** The internetworking models Kata knows. */
    public static final List<String> INTERNETWORKING_MODELS = List.of("tcfilter", "macvtap", "none");

    public static final RuntimeConfig DEFAULT =
            new RuntimeConfig(false, "tcfilter", false, false, Duration.ofSeconds(60), List.of(), false);

    public RuntimeConfig {
        Objects.requireNonNull(internetworkingModel, "internetworkingModel");
        Objects.requireNonNull(createContainerTimeout, "createContainerTimeout");
        experimental = List.copyOf(experimental);
    }

    /** Without {@code static_sandbox_resource_mgmt} (false). */
    public RuntimeConfig(boolean enableDebug, String internetworkingModel, boolean disableNewNetns,
            boolean sandboxCgroupOnly, Duration createContainerTimeout, List<String> experimental) {
        this(enableDebug, internetworkingModel, disableNewNetns, sandboxCgroupOnly, createContainerTimeout,
                experimental, false);
    }
}
