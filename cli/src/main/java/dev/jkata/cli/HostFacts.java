package dev.jkata.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Derived host facts shared by check and env. */
final class HostFacts {
    static final Path KVM = Path.of("/dev/kvm");
    static final Path VHOST_VSOCK = Path.of("/dev/vhost-vsock");
    static final Path CPUINFO = Path.of("/proc/cpuinfo");

    private HostFacts() {
    }

    /** Flags of the first processor in /proc/cpuinfo. */
    static Set<String> cpuFlags(Host host) {
        String cpuinfo = host.read(CPUINFO).orElse("");
        return cpuinfoField(cpuinfo, "flags")
                .map(v -> Arrays.stream(v.split("\\s+")).filter(s -> !s.isEmpty()).collect(Collectors.toSet()))
                .orElse(Set.of());
    }

    static Optional<String> cpuinfoField(String cpuinfo, String name) {
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals(name)) {
                return Optional.of(line.substring(colon + 1).strip());
            }
        }
        return Optional.empty();
    }

    /** Empty when KVM is usable, else why not. */
    static Optional<String> kvmProblem(Host host) {
        if (!host.exists(KVM)) {
            return Optional.of(KVM + " does not exist");
        }
        if (!host.opensReadWrite(KVM)) {
            return Optional.of(KVM + " cannot be opened read-write");
        }
        Set<String> flags = cpuFlags(host);
        if (!flags.contains("vmx") && !flags.contains("svm")) {
            return Optional.of(KVM + " opens but " + CPUINFO + " has neither vmx nor svm (a paravirtual KVM cannot run a stock guest kernel)");
        }
        return Optional.empty();
    }

    static boolean vsockUsable(Host host) {
        return host.exists(VHOST_VSOCK) && host.opensReadWrite(VHOST_VSOCK);
    }

    static String kernelRelease(Host host) {
        return host.read(Path.of("/proc/sys/kernel/osrelease")).map(String::strip)
                .orElse(System.getProperty("os.version"));
    }

    /** NAME and VERSION_ID (or VERSION) of /etc/os-release. */
    static String[] distro(Host host) {
        String text = host.read(Path.of("/etc/os-release")).or(() -> host.read(Path.of("/usr/lib/os-release"))).orElse("");
        String name = osReleaseField(text, "NAME").orElse("unknown");
        String version = osReleaseField(text, "VERSION_ID").or(() -> osReleaseField(text, "VERSION")).orElse("unknown");
        return new String[] {name, version};
    }

    static Optional<String> osReleaseField(String text, String key) {
        for (String line : text.split("\n")) {
            if (line.startsWith(key + "=")) {
                String v = line.substring(key.length() + 1).strip();
                if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                    v = v.substring(1, v.length() - 1);
                }
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** A value in kB from /proc/meminfo, -1 when absent. */
    static long meminfoKiB(Host host, String key) {
        for (String line : host.read(Path.of("/proc/meminfo")).orElse("").split("\n")) {
            if (line.startsWith(key + ":")) {
                String[] parts = line.substring(key.length() + 1).strip().split("\\s+");
                try {
                    return Long.parseLong(parts[0]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** First line of {@code <binary> --version}, or "unknown". */
    static String commandVersion(Host host, Path binary) {
        return host.run(java.util.List.of(binary.toString(), "--version"))
                .map(s -> s.strip().lines().findFirst().orElse("").strip())
                .filter(s -> !s.isEmpty())
                .orElse("unknown");
    }

    static String humanSize(long bytes) {
        if (bytes < 0) {
            return "size unknown";
        }
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        return String.format("%.1f MiB", bytes / (1024.0 * 1024));
    }
}
