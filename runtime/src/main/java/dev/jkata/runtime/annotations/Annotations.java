package dev.jkata.runtime.annotations;

import dev.jkata.hypervisor.AcceleratorChoice;
import dev.jkata.runtime.config.AgentConfig;
import dev.jkata.runtime.config.KataConfig;
import dev.jkata.runtime.config.QemuConfig;
import dev.jkata.runtime.config.RuntimeConfig;
import dev.jkata.runtime.config.SharedFsType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Applies {@code io.katacontainers.config.*} annotations of a sandbox's OCI spec over the configuration.
 *
 * <ul>
 *   <li>{@code io.katacontainers.config.hypervisor.<name>}: only when {@code <name>} matches one of the
 *       regular expressions in {@code enable_annotations} (unanchored, as upstream); {@code path} and
 *       {@code virtio_fs_daemon} values must also match {@code valid_hypervisor_paths} /
 *       {@code valid_virtio_fs_daemon_paths}.</li>
 *   <li>{@code io.katacontainers.config.runtime.<name>} and {@code …agent.<name>}: always allowed.</li>
 *   <li>Anything else in the {@code io.katacontainers.config.} namespace — unknown names, names upstream
 *       knows but jkata does not implement, bad values — is an {@link AnnotationException}.</li>
 * </ul>
 * Other annotations are not ours and are left alone.
 */
public final class Annotations {

    public static final String PREFIX = "io.katacontainers.config.";
    public static final String HYPERVISOR_PREFIX = PREFIX + "hypervisor.";
    public static final String RUNTIME_PREFIX = PREFIX + "runtime.";
    public static final String AGENT_PREFIX = PREFIX + "agent.";

    /** Hypervisor annotations that jkata applies. */
    public static final Set<String> HYPERVISOR_NAMES = Set.of("path", "kernel", "initrd", "image", "machine_type",
            "kernel_params", "default_vcpus", "default_max_vcpus", "default_memory", "shared_fs",
            "virtio_fs_daemon", "virtio_fs_cache", "virtio_fs_extra_args", "enable_debug", "accelerator");

    /** Upstream hypervisor annotations that jkata does not implement. */
    static final Set<String> HYPERVISOR_UNSUPPORTED = Set.of("ctlpath", "jailer_path", "firmware", "kernel_hash",
            "image_hash", "initrd_hash", "hypervisor_hash", "hypervisorctl_hash", "jailer_hash", "firmware_hash",
            "machine_accelerators", "cpu_features", "disable_vhost_net", "enable_vhost_user_store",
            "vhost_user_store_path", "guest_hook_path", "disable_image_nvdimm", "hotplug_vfio_on_root_bus",
            "pcie_root_port", "entropy_source", "memory_slots", "memory_offset", "enable_virtio_mem",
            "enable_mem_prealloc", "enable_swap", "enable_hugepages", "enable_iommu", "enable_iommu_platform",
            "file_mem_backend", "msize_9p", "virtio_fs_cache_size", "block_device_driver",
            "disable_block_device_use", "enable_iothreads", "block_device_cache_set", "block_device_cache_direct",
            "block_device_cache_noflush", "rx_rate_limiter_max_rate", "tx_rate_limiter_max_rate");

    static final Set<String> RUNTIME_UNSUPPORTED = Set.of("disable_guest_seccomp", "enable_pprof");
    static final Set<String> AGENT_UNSUPPORTED = Set.of("enable_tracing", "trace_mode", "trace_type");

    private Annotations() {
    }

    /**
     * The configuration with the annotations applied (in name order; {@code kernel_params} appends).
     *
     * @throws AnnotationException naming the first annotation that is unknown, not enabled, outside the
     *     allowed paths, or has a malformed value
     */
    public static KataConfig apply(KataConfig config, Map<String, String> annotations) throws AnnotationException {
        QemuConfig.Builder q = config.hypervisor().toBuilder();
        AgentConfig agent = config.agent();
        RuntimeConfig runtime = config.runtime();
        List<Pattern> enabled = config.hypervisor().enableAnnotations().stream().map(Pattern::compile).toList();
        for (Map.Entry<String, String> e : new TreeMap<>(annotations).entrySet()) {
            String key = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue();
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            if (key.startsWith(HYPERVISOR_PREFIX)) {
                String name = key.substring(HYPERVISOR_PREFIX.length());
                checkHypervisorName(key, name, enabled);
                hypervisor(q, config.hypervisor(), key, name, value);
            } else if (key.startsWith(RUNTIME_PREFIX)) {
                runtime = runtime(runtime, key, key.substring(RUNTIME_PREFIX.length()), value);
            } else if (key.startsWith(AGENT_PREFIX)) {
                agent = agent(agent, key, key.substring(AGENT_PREFIX.length()), value);
            } else {
                throw new AnnotationException("annotation " + key + ": unknown (the " + PREFIX
                        + " namespace has hypervisor., runtime. and agent. annotations)");
            }
        }
        return new KataConfig(q.build(), agent, runtime);
    }

    private static void checkHypervisorName(String key, String name, List<Pattern> enabled)
            throws AnnotationException {
        if (!HYPERVISOR_NAMES.contains(name) && !HYPERVISOR_UNSUPPORTED.contains(name)) {
            throw new AnnotationException("annotation " + key + ": unknown hypervisor annotation");
        }
        if (enabled.stream().noneMatch(p -> p.matcher(name).find())) {
            throw new AnnotationException("annotation " + key + ": not enabled; [hypervisor.qemu] enable_annotations"
                    + " has no pattern matching \"" + name + "\"");
        }
        if (HYPERVISOR_UNSUPPORTED.contains(name)) {
            throw new AnnotationException("annotation " + key + ": not supported by jkata");
        }
    }

    private static void hypervisor(QemuConfig.Builder q, QemuConfig base, String key, String name, String value)
            throws AnnotationException {
        switch (name) {
            case "path" -> q.path = allowedPath(key, value, base.validHypervisorPaths(), "valid_hypervisor_paths");
            case "virtio_fs_daemon" -> q.virtioFsDaemon =
                    allowedPath(key, value, base.validVirtioFsDaemonPaths(), "valid_virtio_fs_daemon_paths");
            case "kernel" -> q.kernel = Values.absolutePath(key, value);
            case "initrd" -> {
                q.initrd = Values.absolutePath(key, value);
                q.image = null;
            }
            case "image" -> {
                q.image = Values.absolutePath(key, value);
                q.initrd = null;
            }
            case "machine_type" -> q.machineType = value.trim();
            case "kernel_params" -> q.kernelParams = (q.kernelParams + " " + value.trim()).trim();
            case "default_vcpus" -> q.defaultVcpus = Values.vcpus(key, value);
            case "default_max_vcpus" -> q.defaultMaxVcpus = Values.integer(key, value, 0, 1024);
            case "default_memory" -> q.defaultMemoryMiB = Values.integer(key, value, 64, 1 << 22);
            case "shared_fs" -> q.sharedFs = SharedFsType.fromTomlName(value.trim()).orElseThrow(
                    () -> Values.bad(key, "one of \"virtio-fs\", \"virtio-9p\", \"none\"", value));
            case "virtio_fs_cache" -> {
                if (!QemuConfig.VIRTIO_FS_CACHE_MODES.contains(value.trim())) {
                    throw Values.bad(key, "one of " + QemuConfig.VIRTIO_FS_CACHE_MODES, value);
                }
                q.virtioFsCache = value.trim();
            }
            case "virtio_fs_extra_args" -> q.virtioFsExtraArgs = Values.jsonStrings(key, value);
            case "enable_debug" -> q.enableDebug = Values.bool(key, value);
            case "accelerator" -> {
                try {
                    q.accelerator = AcceleratorChoice.parse(value);
                } catch (IllegalArgumentException ex) {
                    throw Values.bad(key, "one of \"auto\", \"kvm\", \"tcg\"", value);
                }
            }
            default -> throw new AnnotationException("annotation " + key + ": unknown hypervisor annotation");
        }
    }

    private static Path allowedPath(String key, String value, List<String> globs, String listName)
            throws AnnotationException {
        Path p = Values.absolutePath(key, value);
        if (!Values.matchesGlob(globs, p)) {
            throw new AnnotationException("annotation " + key + ": path \"" + value + "\" is not allowed by "
                    + "[hypervisor.qemu] " + listName + " " + globs);
        }
        return p;
    }

    private static RuntimeConfig runtime(RuntimeConfig r, String key, String name, String value)
            throws AnnotationException {
        return switch (name) {
            case "sandbox_cgroup_only" -> new RuntimeConfig(r.enableDebug(), r.internetworkingModel(),
                    r.disableNewNetns(), Values.bool(key, value), r.createContainerTimeout(), r.experimental(),
                    r.staticSandboxResourceMgmt());
            case "disable_new_netns" -> new RuntimeConfig(r.enableDebug(), r.internetworkingModel(),
                    Values.bool(key, value), r.sandboxCgroupOnly(), r.createContainerTimeout(), r.experimental(),
                    r.staticSandboxResourceMgmt());
            case "internetworking_model" -> {
                String m = value.trim();
                if (!RuntimeConfig.INTERNETWORKING_MODELS.contains(m)) {
                    throw Values.bad(key, "one of " + RuntimeConfig.INTERNETWORKING_MODELS, value);
                }
                yield new RuntimeConfig(r.enableDebug(), m, r.disableNewNetns(), r.sandboxCgroupOnly(),
                        r.createContainerTimeout(), r.experimental(), r.staticSandboxResourceMgmt());
            }
            case "experimental" -> new RuntimeConfig(r.enableDebug(), r.internetworkingModel(), r.disableNewNetns(),
                    r.sandboxCgroupOnly(), r.createContainerTimeout(), Values.split(value, "[,\\s]+"),
                    r.staticSandboxResourceMgmt());
            default -> throw new AnnotationException("annotation " + key + ": "
                    + (RUNTIME_UNSUPPORTED.contains(name) ? "not supported by jkata" : "unknown runtime annotation"));
        };
    }

    private static AgentConfig agent(AgentConfig a, String key, String name, String value)
            throws AnnotationException {
        return switch (name) {
            case "kernel_modules" -> new AgentConfig(a.dialTimeout(), a.debugConsoleEnabled(),
                    new ArrayList<>(Values.split(value, ";")), a.enableDebug(), a.containerPipeSize());
            case "container_pipe_size" -> new AgentConfig(a.dialTimeout(), a.debugConsoleEnabled(), a.kernelModules(),
                    a.enableDebug(), Values.integer(key, value, 0, Integer.MAX_VALUE));
            default -> throw new AnnotationException("annotation " + key + ": "
                    + (AGENT_UNSUPPORTED.contains(name) ? "not supported by jkata" : "unknown agent annotation"));
        };
    }
}
