package dev.jkata.tests.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** A busybox rootfs with the network applets, and OCI bundles over it that name a network namespace. */
final class NetBundle {

    static final List<String> APPLETS = List.of("sh", "ip", "ping", "httpd", "wget", "cat", "echo", "sleep", "ls",
            "ifconfig", "route", "arp");

    private NetBundle() {
    }

    /** {@code <dir>/rootfs} with /bin/busybox, its applet links and /www/index.html = {@code page}. */
    static Path rootfs(Path dir, String page) throws IOException {
        Path rootfs = dir.resolve("rootfs");
        for (String d : List.of("bin", "proc", "sys", "dev", "tmp", "etc", "root", "www")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"), StandardCopyOption.REPLACE_EXISTING);
        for (String applet : APPLETS) {
            Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
        }
        Files.writeString(rootfs.resolve("www/index.html"), page, StandardCharsets.UTF_8);
        return rootfs;
    }

    /** Writes {@code <bundle>/config.json} running {@code args} in {@code rootfs}, in network namespace {@code netns}. */
    static Path write(Path bundle, Path rootfs, List<String> args, Path netns) throws IOException {
        Files.createDirectories(bundle);
        StringBuilder argv = new StringBuilder();
        for (String a : args) {
            argv.append(argv.isEmpty() ? "" : ", ").append('"')
                    .append(a.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        String caps = """
                ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_SETGID", "CAP_SETUID", "CAP_KILL",
                 "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT"]""";
        String config = """
                {
                  "ociVersion": "1.0.2",
                  "process": {
                    "terminal": false,
                    "user": {"uid": 0, "gid": 0},
                    "args": [%s],
                    "env": ["PATH=/bin"],
                    "cwd": "/",
                    "capabilities": {"bounding": %s, "effective": %s, "permitted": %s},
                    "noNewPrivileges": true
                  },
                  "root": {"path": "%s", "readonly": false},
                  "hostname": "pod-net-it",
                  "mounts": [
                    {"destination": "/proc", "type": "proc", "source": "proc"},
                    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
                    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]}
                  ],
                  "linux": {
                    "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"},
                                   {"type": "network", "path": "%s"}],
                    "maskedPaths": ["/proc/kcore"],
                    "readonlyPaths": ["/proc/sys"]
                  }
                }
                """.formatted(argv, caps, caps, caps, rootfs, netns);
        Files.writeString(bundle.resolve("config.json"), config, StandardCharsets.UTF_8);
        return bundle;
    }
}
