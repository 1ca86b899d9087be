package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import dev.jkata.cli.Invocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code spec} (a default config.json, runc's shape) and {@code features}. */
final class SpecCommand {

    /** runc's default spec: sh on a terminal, read-only rootfs, the usual mounts and namespaces. */
    static final String DEFAULT_SPEC = """
            {
              "ociVersion": "1.0.2",
              "process": {
                "terminal": true,
                "user": {"uid": 0, "gid": 0},
                "args": ["sh"],
                "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
                "cwd": "/",
                "capabilities": {
                  "bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                  "effective": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                  "permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                  "ambient": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
                },
                "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
                "noNewPrivileges": true
              },
              "root": {"path": "rootfs", "readonly": true},
              "hostname": "runc",
              "mounts": [
                {"destination": "/proc", "type": "proc", "source": "proc"},
                {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
                 "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
                {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
                 "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
                {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
                 "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
                {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
                 "options": ["nosuid", "noexec", "nodev"]},
                {"destination": "/sys", "type": "sysfs", "source": "sysfs",
                 "options": ["nosuid", "noexec", "nodev", "ro"]},
                {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
                 "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}
              ],
              "linux": {
                "resources": {"devices": [{"allow": false, "access": "rwm"}]},
                "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"},
                               {"type": "mount"}, {"type": "cgroup"}],
                "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                                "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                                "/proc/scsi"],
                "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
              }
            }
            """;

    static final String FEATURES = """
            {
              "ociVersionMin": "1.0.0",
              "ociVersionMax": "1.1.0",
              "hooks": ["prestart", "createRuntime", "createContainer", "poststart", "poststop"],
              "mountOptions": ["bind", "rbind", "ro", "rw", "nosuid", "nodev", "noexec", "relatime", "strictatime"],
              "linux": {
                "namespaces": ["cgroup", "ipc", "mount", "network", "pid", "uts"],
                "cgroup": {"v1": false, "v2": true, "systemd": false, "systemdUser": false},
                "apparmor": {"enabled": false},
                "selinux": {"enabled": false}
              },
              "annotations": {
                "io.github.jkata.runtime": "kata-runtime (jkata): each container runs in its own VM",
                "io.katacontainers.config.prefix": "io.katacontainers.config."
              }
            }
            """;

    private SpecCommand() {
    }

    static int spec(Invocation inv, List<String> args) throws CliException {
        Flags f = Flags.parse("spec", args, "bundle|b=", "rootless");
        if (!f.positional().isEmpty()) {
            throw CliException.usage("spec: takes no arguments, got " + f.positional());
        }
        Path dir = Path.of(f.value("bundle").orElse("")).toAbsolutePath();
        Path file = dir.resolve("config.json");
        if (Files.exists(file)) {
            throw new CliException(CliException.FAILURE, "File " + file + " exists. Remove it first");
        }
        try {
            Files.writeString(file, DEFAULT_SPEC, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, "spec: writing " + file + ": " + e.getMessage(), e);
        }
        return 0;
    }

    static int features(Invocation inv, List<String> args) throws CliException {
        Flags.parse("features", args);
        inv.out().print(FEATURES);
        return 0;
    }
}
