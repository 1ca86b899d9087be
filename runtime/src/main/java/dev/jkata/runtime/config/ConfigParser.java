package dev.jkata.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jkata.hypervisor.AcceleratorChoice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Turns a merged TOML tree into a {@link KataConfig}; collects the keys it did not use. */
final class ConfigParser {

    /** The hypervisor tables jkata can run. */
    static final List<String> SUPPORTED_HYPERVISORS = List.of("qemu");

    record Result(KataConfig config, List<String> ignoredKeys) {
    }

    private final ObjectNode root;
    private final Path mainFile;
    private final BiFunction<String, String, Path> originOf;
    private final List<String> ignored = new ArrayList<>();

    ConfigParser(ObjectNode root, Path mainFile, BiFunction<String, String, Path> originOf) {
        this.root = root;
        this.mainFile = mainFile;
        this.originOf = originOf;
    }

    Result parse() throws ConfigException {
        QemuConfig qemu = null;
        AgentConfig agent = AgentConfig.DEFAULT;
        RuntimeConfig runtime = RuntimeConfig.DEFAULT;
        for (Map.Entry<String, JsonNode> top : root.properties()) {
            switch (top.getKey()) {
                case "hypervisor" -> qemu = hypervisor(table(null, "hypervisor", top.getValue()));
                case "agent" -> {
                    ObjectNode agents = table(null, "agent", top.getValue());
                    for (Map.Entry<String, JsonNode> a : agents.properties()) {
                        if (a.getKey().equals("kata")) {
                            agent = agent(new TomlTable("agent.kata", table("agent", "kata", a.getValue()), originOf));
                        } else {
                            ignoreAll("agent." + a.getKey(), a.getValue());
                        }
                    }
                }
                case "runtime" -> runtime = runtime(new TomlTable("runtime", table(null, "runtime", top.getValue()),
                        originOf));
                default -> ignoreAll(top.getKey(), top.getValue());
            }
        }
        if (qemu == null) {
            throw new ConfigException(mainFile + ": expected a [hypervisor.qemu] table, found no [hypervisor.*] table");
        }
        return new Result(new KataConfig(qemu, agent, runtime), List.copyOf(ignored));
    }

    private QemuConfig hypervisor(ObjectNode hypervisors) throws ConfigException {
        JsonNode qemu = hypervisors.get("qemu");
        if (qemu == null) {
            List<String> found = hypervisors.properties().stream().map(Map.Entry::getKey).toList();
            if (found.isEmpty()) {
                throw new ConfigException(mainFile + ": expected a [hypervisor.qemu] table, [hypervisor] is empty");
            }
            String names = String.join(", ", found);
            String first = found.getFirst();
            throw new ConfigException(originOf.apply("hypervisor." + first, "") + ": [hypervisor." + first
                    + "]: hypervisor \"" + first + "\" is not supported by jkata (supported: "
                    + String.join(", ", SUPPORTED_HYPERVISORS) + "; tables found: " + names + ")");
        }
        for (Map.Entry<String, JsonNode> h : hypervisors.properties()) {
            if (!h.getKey().equals("qemu")) {
                ignoreAll("hypervisor." + h.getKey(), h.getValue());
            }
        }
        return qemu(new TomlTable("hypervisor.qemu", table("hypervisor", "qemu", qemu), originOf));
    }

    private QemuConfig qemu(TomlTable t) throws ConfigException {
        QemuConfig.Builder b = QemuConfig.defaults().toBuilder();
        b.path = t.path("path", QemuConfig.DEFAULT_PATH);
        b.kernel = t.path("kernel", QemuConfig.DEFAULT_KERNEL);
        Path initrd = t.path("initrd", null);
        Path image = t.path("image", null);
        if (initrd != null && image != null) {
            throw t.invalid("initrd", "expected either initrd or image, got both (image = \"" + image + "\")");
        }
        b.initrd = initrd == null && image == null ? QemuConfig.DEFAULT_INITRD : initrd;
        b.image = image;
        b.machineType = t.string("machine_type", "").trim();
        b.kernelParams = t.string("kernel_params", "").trim();
        long vcpus = t.integer("default_vcpus", 1, true);
        if (vcpus > 1024 || vcpus < -1024) {
            throw t.invalid("default_vcpus", "expected an integer from -1024 to 1024, got " + vcpus);
        }
        b.defaultVcpus = (int) vcpus;
        b.defaultMaxVcpus = t.integer("default_maxvcpus", 0, 0, 1024);
        int mem = t.integer("default_memory", QemuConfig.DEFAULT_MEMORY_MIB, 0, 1 << 22);
        if (mem != 0 && mem < 64) {
            throw t.invalid("default_memory", "expected at least 64 (MiB), got " + mem);
        }
        b.defaultMemoryMiB = mem == 0 ? QemuConfig.DEFAULT_MEMORY_MIB : mem;
        String fs = t.string("shared_fs", "virtio-fs").trim();
        b.sharedFs = SharedFsType.fromTomlName(fs).orElseThrow(() -> t.invalid("shared_fs", SharedFsType.rejection(fs)));
        b.virtioFsDaemon = t.path("virtio_fs_daemon", QemuConfig.DEFAULT_VIRTIOFSD);
        String cache = t.string("virtio_fs_cache", "auto").trim();
        if (!cache.isEmpty() && !QemuConfig.VIRTIO_FS_CACHE_MODES.contains(cache)) {
            throw t.invalid("virtio_fs_cache", "expected one of " + quoted(QemuConfig.VIRTIO_FS_CACHE_MODES)
                    + ", got \"" + cache + "\"");
        }
        b.virtioFsCache = cache;
        b.virtioFsExtraArgs = t.strings("virtio_fs_extra_args", List.of());
        b.enableAnnotations = t.strings("enable_annotations", List.of());
        for (String re : b.enableAnnotations) {
            try {
                Pattern.compile(re);
            } catch (PatternSyntaxException e) {
                throw t.invalid("enable_annotations", "expected regular expressions, got \"" + re + "\": "
                        + e.getDescription());
            }
        }
        b.validHypervisorPaths = t.strings("valid_hypervisor_paths", List.of());
        b.validVirtioFsDaemonPaths = t.strings("valid_virtio_fs_daemon_paths", List.of());
        b.enableDebug = t.bool("enable_debug", false);
        String acc = t.string("accelerator", "auto");
        try {
            b.accelerator = AcceleratorChoice.parse(acc);
        } catch (IllegalArgumentException e) {
            throw t.invalid("accelerator", "expected one of \"auto\", \"kvm\", \"tcg\", got \"" + acc + "\"");
        }
        b.reclaimGuestFreedMemory = t.bool("reclaim_guest_freed_memory", false);
        b.tcgTbSizeMiB = t.integer("tcg_tb_size", 0, 0, 2048);
        ignored.addAll(t.unusedKeys());
        return b.build();
    }

    private AgentConfig agent(TomlTable t) throws ConfigException {
        int dial = t.integer("dial_timeout", 0, 0, 3600);
        AgentConfig a = new AgentConfig(
                dial == 0 ? AgentConfig.DEFAULT_DIAL_TIMEOUT : Duration.ofSeconds(dial),
                t.bool("debug_console_enabled", false),
                t.strings("kernel_modules", List.of()),
                t.bool("enable_debug", false),
                0);
        ignored.addAll(t.unusedKeys());
        return a;
    }

    private RuntimeConfig runtime(TomlTable t) throws ConfigException {
        boolean debug = t.bool("enable_debug", false);
        String model = t.string("internetworking_model", "tcfilter").trim();
        if (!RuntimeConfig.INTERNETWORKING_MODELS.contains(model)) {
            throw t.invalid("internetworking_model", "expected one of "
                    + quoted(RuntimeConfig.INTERNETWORKING_MODELS) + ", got \"" + model + "\"");
        }
        boolean noNetns = t.bool("disable_new_netns", false);
        boolean cgroupOnly = t.bool("sandbox_cgroup_only", false);
        int timeout = t.integer("create_container_timeout", 0, 0, 86_400);
        List<String> experimental = t.strings("experimental", List.of());
        boolean staticSizing = t.bool("static_sandbox_resource_mgmt", false);
        ignored.addAll(t.unusedKeys());
        return new RuntimeConfig(debug, model, noNetns, cgroupOnly,
                timeout == 0 ? RuntimeConfig.DEFAULT.createContainerTimeout() : Duration.ofSeconds(timeout),
                experimental, staticSizing);
    }

    /** {@code value} as a table, or an error naming {@code [parent.name]}. */
    private ObjectNode table(String parent, String name, JsonNode value) throws ConfigException {
        if (value instanceof ObjectNode o) {
            return o;
        }
        String full = parent == null ? name : parent + "." + name;
        String key = parent == null ? name : name;
        throw new ConfigException(originOf.apply(parent == null ? "" : parent, key) + ": " + full
                + ": expected a table, got " + TomlTable.describe(value));
    }

    private void ignoreAll(String table, JsonNode value) {
        if (value instanceof ObjectNode o && !o.isEmpty()) {
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                if (e.getValue() instanceof ObjectNode) {
                    ignoreAll(table + "." + e.getKey(), e.getValue());
                } else {
                    ignored.add("[" + table + "] " + e.getKey());
                }
            }
        } else if (!(value instanceof ObjectNode)) {
            ignored.add(table);
        }
    }

    private static String quoted(List<String> values) {
        return "\"" + String.join("\", \"", values) + "\"";
    }
}
