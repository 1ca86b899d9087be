package dev.jkata.runtime.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code [agent.kata]}.
 *
 * @param dialTimeout how long to keep trying to reach the agent after boot ({@code dial_timeout}, seconds)
 * @param debugConsoleEnabled start a debug console in the guest ({@code debug_console_enabled})
 * @param kernelModules modules (with parameters) the agent loads at start ({@code kernel_modules})
 * @param enableDebug debug-level agent logs ({@code enable_debug})
 * @param containerPipeSize size of the pipes the agent makes for container stdio, 0 = its default
 *     (annotation {@code io.katacontainers.config.agent.container_pipe_size})
 */
public record AgentConfig(Duration dialTimeout, boolean debugConsoleEnabled, List<String> kernelModules,
        boolean enableDebug, int containerPipeSize) {

    /** Upstream's default dial timeout. */
    public static final Duration DEFAULT_DIAL_TIMEOUT = Duration.ofSeconds(45);

    public static final AgentConfig DEFAULT = new AgentConfig(DEFAULT_DIAL_TIMEOUT, false, List.of(), false, 0);

    public AgentConfig {
        Objects.requireNonNull(dialTimeout, "dialTimeout");
        kernelModules = List.copyOf(kernelModules);
    }

    /**
     * Kernel parameters the guest agent reads: {@code agent.log=debug}, {@code agent.debug_console},
     * {@code agent.container_pipe_size=N}. Empty when all are at their defaults.
     */
    public List<String> kernelParams() {
        var p = new java.util.ArrayList<String>();
        if (enableDebug) {
            p.add("agent.log=debug");
        }
        if (debugConsoleEnabled) {
            p.add("agent.debug_console");
        }
        if (containerPipeSize > 0) {
            p.add("agent.container_pipe_size=" + containerPipeSize);
        }
        return List.copyOf(p);
    }
}
