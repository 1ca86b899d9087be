package dev.jkata.cli;

import dev.jkata.hypervisor.AcceleratorChoice;
import dev.jkata.runtime.config.ConfigException;
import dev.jkata.runtime.config.LoadedConfig;
import dev.jkata.runtime.config.QemuConfig;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks of {@code kata-runtime check}: everything a container in a VM needs on this host, each
 * answered PASS, WARN (works, at a cost) or FAIL (a container cannot run), with the fix.
 */
final class Checks {
    static final Path CONTAINERD_CONFIG = Path.of("/etc/containerd/config.toml");
    static final String KATA_RUNTIME_TYPE = "io.containerd.kata.v2";
    private static final Pattern IMPORTS = Pattern.compile("(?m)^\\s*imports\\s*=\\s*\\[([^\\]]*)\\]");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"|'([^']*)'");

    private final Invocation inv;
    private final Host host;

    Checks(Invocation inv) {
        this.inv = inv;
        this.host = inv.host();
    }

    List<CheckResult> run() {
        List<CheckResult> results = new ArrayList<>();
        Optional<LoadedConfig> loaded;
        try {
            LoadedConfig c = inv.configs().load(inv.globals().config(), host.env());
            loaded = Optional.of(c);
            List<String> details = new ArrayList<>();
            c.dropIns().forEach(d -> details.add("drop-in " + d));
            c.ignoredKeys().forEach(k -> details.add("ignored key " + k));
            results.add(CheckResult.pass("configuration", c.file().toString(), details.toArray(String[]::new)));
        } catch (ConfigException e) {
            loaded = Optional.empty();
            results.add(CheckResult.fail("configuration", e.getMessage(),
                    "correct the file, or point --config or KATA_CONF_FILE at a valid configuration"));
        }
        if (loaded.isPresent()) {
            QemuConfig q = loaded.get().config().hypervisor();
            results.add(hypervisor(q));
            results.add(accelerator(q.accelerator()));
        } else {
            results.add(accelerator(AcceleratorChoice.AUTO));
        }
        results.add(vsock());
        if (loaded.isPresent()) {
            QemuConfig q = loaded.get().config().hypervisor();
            results.add(asset("guest kernel", q.kernel(), "kernel"));
            if (q.initrd() != null) {
                results.add(asset("guest initrd", q.initrd(), "initrd"));
            } else if (q.image() != null) {
                results.add(asset("guest image", q.image(), "image"));
            } else {
                results.add(CheckResult.fail("guest initrd", "neither initrd nor image is configured",
                        "set [hypervisor.qemu] initrd = \"/opt/kata/share/kata-containers/kata-containers-initrd.img\""));
            }
            results.add(sharedFs(q));
        }
        results.add(shim());
        results.add(containerd());
        return results;
    }

    private CheckResult hypervisor(QemuConfig q) {
        Path p = q.path();
        if (!host.isExecutable(p)) {
            return CheckResult.fail("hypervisor", p + (host.exists(p) ? " is not executable" : " does not exist"),
                    "apt-get install qemu-system-x86, or set [hypervisor.qemu] path to a QEMU binary");
        }
        String version = HostFacts.commandVersion(host, p);
        if (version.equals("unknown")) {
            return CheckResult.fail("hypervisor", p + " --version failed", "check that " + p + " runs");
        }
        return CheckResult.pass("hypervisor", version + " (" + p + ")");
    }

    private CheckResult accelerator(AcceleratorChoice choice) {
        Optional<String> problem = HostFacts.kvmProblem(host);
        String tcgCost = "QEMU runs the guest with TCG software emulation: a VM boots in seconds instead of"
                + " well under one, and guest code runs several times slower";
        String kvmFix = "use a host with hardware virtualisation (vmx/svm visible in /proc/cpuinfo) and a"
                + " read-write /dev/kvm (modprobe kvm_intel or kvm_amd)";
        return switch (choice) {
            case AUTO -> problem.isEmpty()
                    ? CheckResult.pass("accelerator", "KVM is usable")
                    : CheckResult.warn("accelerator", "KVM is not usable (" + problem.get() + "); " + tcgCost, kvmFix);
            case KVM -> problem.isEmpty()
                    ? CheckResult.pass("accelerator", "KVM is usable (accelerator = \"kvm\")")
                    : CheckResult.fail("accelerator", "accelerator = \"kvm\" but KVM is not usable (" + problem.get() + ")",
                            "set accelerator = \"auto\" in [hypervisor.qemu], or " + kvmFix);
            case TCG -> CheckResult.warn("accelerator", "accelerator = \"tcg\" in the configuration; " + tcgCost,
                    "set accelerator = \"auto\" in [hypervisor.qemu] to use KVM where it works");
        };
    }

    private CheckResult vsock() {
        if (HostFacts.vsockUsable(host)) {
            return CheckResult.pass("agent channel", "vsock (" + HostFacts.VHOST_VSOCK + " is usable)");
        }
        return CheckResult.warn("agent channel", HostFacts.VHOST_VSOCK + " is not usable; the agent is reached over"
                + " the virtio-serial port agent.channel.0 instead of vsock (works, one channel per VM)",
                "modprobe vhost_vsock (needs a host kernel with CONFIG_VHOST_VSOCK)");
    }

    private CheckResult asset(String subject, Path p, String key) {
        String fix = "build the guest assets (osbuilder/build-guest.sh build/guest && scripts/install-opt-kata.sh),"
                + " or set [hypervisor.qemu] " + key + " to an existing file";
        if (!host.exists(p)) {
            return CheckResult.fail(subject, p + " does not exist", fix);
        }
        if (!host.isRegularFile(p) || !host.isReadable(p)) {
            return CheckResult.fail(subject, p + " is not a readable file", fix);
        }
        long size = host.size(p);
        if (size == 0) {
            return CheckResult.fail(subject, p + " is empty", fix);
        }
        return CheckResult.pass(subject, p + " (" + HostFacts.humanSize(size) + ")");
    }

    private CheckResult sharedFs(QemuConfig q) {
        return switch (q.sharedFs()) {
            case VIRTIO_FS -> host.isExecutable(q.virtioFsDaemon())
                    ? CheckResult.pass("shared filesystem", "virtio-fs with " + q.virtioFsDaemon(),
                            HostFacts.commandVersion(host, q.virtioFsDaemon()))
                    : CheckResult.fail("shared filesystem", "shared_fs = \"virtio-fs\" but " + q.virtioFsDaemon()
                            + (host.exists(q.virtioFsDaemon()) ? " is not executable" : " does not exist"),
                            "apt-get install qemu-system-common (it ships /usr/lib/qemu/virtiofsd), or set"
                                    + " shared_fs = \"virtio-9p\" in [hypervisor.qemu]");
            case VIRTIO_9P -> CheckResult.pass("shared filesystem", "virtio-9p (built into QEMU, no daemon)");
            case NONE -> CheckResult.warn("shared filesystem", "shared_fs = \"none\": container root filesystems"
                    + " and volumes cannot be shared with the guest", "set shared_fs = \"virtio-fs\" or \"virtio-9p\"");
        };
    }

    private CheckResult shim() {
        return host.which("containerd-shim-kata-v2")
                .map(p -> CheckResult.pass("shim", "containerd-shim-kata-v2 on PATH (" + p + ")"))
                .orElseGet(() -> CheckResult.warn("shim", "containerd-shim-kata-v2 is not on PATH, so containerd"
                        + " cannot start runtime " + KATA_RUNTIME_TYPE,
                        "scripts/install-opt-kata.sh (links it into /usr/local/bin)"));
    }

    private CheckResult containerd() {
        Optional<String> main = host.read(CONTAINERD_CONFIG);
        if (main.isEmpty()) {
            return host.which("containerd").isPresent()
                    ? CheckResult.warn("containerd", CONTAINERD_CONFIG + " does not exist, so CRI (Kubernetes) has"
                            + " no kata runtime handler; ctr run --runtime " + KATA_RUNTIME_TYPE + " still works",
                            "kata-deploy install")
                    : CheckResult.warn("containerd", "containerd is not installed", "apt-get install containerd");
        }
        List<Path> files = new ArrayList<>(List.of(CONTAINERD_CONFIG));
        files.addAll(imports(main.get()));
        for (Path f : files) {
            if (host.read(f).orElse("").contains(KATA_RUNTIME_TYPE)) {
                return CheckResult.pass("containerd", f + " registers runtime " + KATA_RUNTIME_TYPE);
            }
        }
        return CheckResult.warn("containerd", CONTAINERD_CONFIG + " (and its imports) register no "
                + KATA_RUNTIME_TYPE + " runtime, so CRI (Kubernetes) cannot use kata; ctr run --runtime "
                + KATA_RUNTIME_TYPE + " still works", "kata-deploy install, then restart containerd");
    }

    /** The files named by the top-level imports of a containerd config, globs expanded. */
    private List<Path> imports(String text) {
        List<Path> out = new ArrayList<>();
        Matcher m = IMPORTS.matcher(text);
        if (!m.find()) {
            return out;
        }
        Matcher q = QUOTED.matcher(m.group(1));
        while (q.find()) {
            String s = q.group(1) != null ? q.group(1) : q.group(2);
            Path p = Path.of(s);
            if (!s.contains("*") && !s.contains("?") && !s.contains("[")) {
                out.add(p);
                continue;
            }
            Path dir = p.getParent();
            if (dir == null) {
                continue;
            }
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + s);
            for (Path child : host.list(dir)) {
                if (matcher.matches(child)) {
                    out.add(child);
                }
            }
        }
        return out;
    }
}
