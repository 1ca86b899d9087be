package dev.jkata.cli;

import dev.jkata.runtime.config.AgentConfig;
import dev.jkata.runtime.config.ConfigException;
import dev.jkata.runtime.config.KataConfig;
import dev.jkata.runtime.config.LoadedConfig;
import dev.jkata.runtime.config.QemuConfig;
import dev.jkata.runtime.config.RuntimeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kata-runtime env [--json]} (alias {@code kata-env}): the effective configuration, assets, hypervisor,
 * agent and host, in the sections of upstream kata-env (Kernel, Meta, Image, Initrd, Hypervisor, Runtime,
 * Host, Agent), as TOML or JSON.
 */
final class EnvCommand implements Command {
    /** Upstream's kata-env format version whose shape this follows. */
    static final String FORMAT_VERSION = "1.0.27";
    static final String USAGE = """
            usage: kata-runtime env [--json]
              Prints the effective settings: configuration file and values, guest assets, hypervisor,
              agent and host. TOML by default.
            """;

    @Override
    public int run(Invocation inv, List<String> args) throws CliException {
        boolean json = false;
        for (String a : args) {
            switch (Cli.flagName(a)) {
                case "json" -> json = true;
                case "help", "h" -> {
                    inv.out().print(USAGE);
                    return 0;
                }
                default -> throw CliException.usage("env: unknown argument \"" + a + "\"\n" + USAGE);
            }
        }
        LoadedConfig loaded;
        try {
            loaded = inv.configs().load(inv.globals().config(), inv.host().env());
        } catch (ConfigException e) {
            throw new CliException(CliException.FAILURE, e.getMessage(), e);
        }
        Map<String, Object> env = info(inv.host(), loaded);
        inv.out().print(json ? Tree.json(env) : Tree.toml(env));
        return 0;
    }

    static Map<String, Object> info(Host host, LoadedConfig loaded) {
        KataConfig c = loaded.config();
        QemuConfig q = c.hypervisor();
        AgentConfig a = c.agent();
        RuntimeConfig r = c.runtime();
        Map<String, Object> env = new LinkedHashMap<>();

        env.put("Kernel", map("Path", q.kernel().toString(), "Size", host.size(q.kernel()),
                "Parameters", String.join(" ", params(q, a))));
        env.put("Meta", map("Version", FORMAT_VERSION));
        env.put("Image", map("Path", str(q.image()), "Size", q.image() == null ? 0L : host.size(q.image())));
        env.put("Initrd", map("Path", str(q.initrd()), "Size", q.initrd() == null ? 0L : host.size(q.initrd())));

        Map<String, Object> hv = map(
                "MachineType", q.machineType(),
                "Version", host.isExecutable(q.path()) ? HostFacts.commandVersion(host, q.path()) : "unknown",
                "Path", q.path().toString(),
                "Accelerator", q.accelerator().name().toLowerCase(java.util.Locale.ROOT),
                "SharedFS", q.sharedFs().tomlName(),
                "VirtioFSDaemon", q.virtioFsDaemon().toString(),
                "VirtioFSCache", q.virtioFsCache(),
                "DefaultVCPUs", q.defaultVcpus(),
                "DefaultMaxVCPUs", q.defaultMaxVcpus(),
                "DefaultMemory", q.defaultMemoryMiB(),
                "Debug", q.enableDebug());
        hv.put("SecurityInfo", map("Rootless", false, "EnableAnnotations", q.enableAnnotations(),
                "ValidHypervisorPaths", q.validHypervisorPaths()));
        env.put("Hypervisor", hv);

        VersionInfo v = VersionInfo.load();
        int[] sv = v.semver();
        List<String> dropIns = new ArrayList<>();
        loaded.dropIns().forEach(p -> dropIns.add(p.toString()));
        Map<String, Object> rt = new LinkedHashMap<>();
        rt.put("Config", map("Path", loaded.file().toString(), "DropIns", dropIns, "IgnoredKeys", loaded.ignoredKeys()));
        rt.put("Path", host.env().getOrDefault("JKATA_LAUNCHER", ProcessHandle.current().info().command().orElse("")));
        rt.put("Experimental", r.experimental());
        rt.put("Version", map("OCI", VersionInfo.OCI_SPEC,
                "Version", map("Semver", v.version(), "Commit", v.commit(), "Major", sv[0], "Minor", sv[1], "Patch", sv[2])));
        rt.put("Debug", r.enableDebug());
        rt.put("Trace", false);
        rt.put("InterNetworkingModel", r.internetworkingModel());
        rt.put("DisableNewNetNs", r.disableNewNetns());
        rt.put("SandboxCgroupOnly", r.sandboxCgroupOnly());
        env.put("Runtime", rt);

        String cpuinfo = host.read(HostFacts.CPUINFO).orElse("");
        String[] distro = HostFacts.distro(host);
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("AvailableGuestProtections", List.of());
        h.put("Kernel", HostFacts.kernelRelease(host));
        h.put("Architecture", goArch(System.getProperty("os.arch")));
        h.put("Distro", map("Name", distro[0], "Version", distro[1]));
        h.put("CPU", map("Vendor", HostFacts.cpuinfoField(cpuinfo, "vendor_id").orElse("unknown"),
                "Model", HostFacts.cpuinfoField(cpuinfo, "model name").orElse("unknown"), "CPUs", host.cpus()));
        h.put("Memory", map("Total", HostFacts.meminfoKiB(host, "MemTotal"), "Free", HostFacts.meminfoKiB(host, "MemFree"),
                "Available", HostFacts.meminfoKiB(host, "MemAvailable")));
        h.put("VMContainerCapable", host.isExecutable(q.path()));
        h.put("KVMUsable", HostFacts.kvmProblem(host).isEmpty());
        h.put("SupportVSocks", HostFacts.vsockUsable(host));
        env.put("Host", h);

        env.put("Agent", map("Debug", a.enableDebug(), "Trace", false, "DebugConsoleEnabled", a.debugConsoleEnabled(),
                "DialTimeout", a.dialTimeout().toSeconds(), "KernelModules", a.kernelModules()));
        return env;
    }

    private static List<String> params(QemuConfig q, AgentConfig a) {
        List<String> p = new ArrayList<>();
        if (!q.kernelParams().isBlank()) {
            p.add(q.kernelParams().strip());
        }
        p.addAll(a.kernelParams());
        return p;
    }

    private static String str(Path p) {
        return p == null ? "" : p.toString();
    }

    private static String goArch(String javaArch) {
        return switch (javaArch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> javaArch;
        };
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
