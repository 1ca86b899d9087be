package dev.jkata.tests.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An OCI bundle whose rootfs is busybox: from {@code tests/images/build-busybox-image.sh} when it
 * works, else made here from Debian's static {@code /bin/busybox}.
 */
final class BusyboxBundle {

    private BusyboxBundle() {
    }

    /** A rootfs directory with busybox, built once per output directory. */
    static Path rootfs(Path workDir) throws IOException, InterruptedException {
        Path script = GuestAssets.repoRoot().resolve("tests/images/build-busybox-image.sh");
        Path out = workDir.resolve("busybox-image");
        if (Files.isRegularFile(script)) {
            Process p = new ProcessBuilder("sh", script.toString(), out.toString())
                    .redirectErrorStream(true).redirectOutput(workDir.resolve("busybox-image.log").toFile()).start();
            if (p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0 && Files.isExecutable(out.resolve("rootfs/bin/busybox"))) {
                return out.resolve("rootfs");
            }
            p.destroyForcibly();
        }
        Path busybox = Path.of("/bin/busybox");
        if (!Files.isExecutable(busybox)) {
            GuestAssets.missing("/bin/busybox (Debian package busybox-static)");
        }
        Path rootfs = workDir.resolve("busybox-rootfs");
        Files.createDirectories(rootfs.resolve("bin"));
        for (String dir : List.of("proc", "sys", "dev", "tmp", "etc", "root")) {
            Files.createDirectories(rootfs.resolve(dir));
        }
        Files.copy(busybox, rootfs.resolve("bin/busybox"), StandardCopyOption.REPLACE_EXISTING);
        for (String applet : List.of("sh", "uname", "cat", "echo", "ls", "sleep", "true", "false")) {
            Path link = rootfs.resolve("bin").resolve(applet);
            if (!Files.exists(link)) {
                Files.createSymbolicLink(link, Path.of("busybox"));
            }
        }
        return rootfs;
    }

    /**
     * Writes {@code <bundle>/config.json} running {@code args}, with the usual runc-spec mounts, and
     * a read-only bind of {@code volume} (a host file) at {@code /etc/volume.txt}.
     */
    static Path write(Path bundle, Path rootfs, List<String> args, Path volume) throws IOException {
        Files.createDirectories(bundle);
        StringBuilder argv = new StringBuilder();
        for (String a : args) {
            argv.append(argv.isEmpty() ? "" : ", ").append('"').append(a.replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        String config = """
                {
                  "ociVersion": "1.0.2",
                  "process": {
                    "terminal": false,
                    "user": {"uid": 0, "gid": 0},
                    "args": [%s],
                    "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"],
                    "cwd": "/",
                    "noNewPrivileges": true
                  },
                  "root": {"path": "%s", "readonly": false},
                  "hostname": "sandbox-it",
                  "mounts": [
                    {"destination": "/proc", "type": "proc", "source": "proc"},
                    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
                    {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
                    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
                    {"destination": "/etc/volume.txt", "type": "bind", "source": "%s", "options": ["rbind", "ro"]}
                  ],
                  "linux": {
                    "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"},
                                   {"type": "network", "path": "/var/run/netns/not-in-the-guest"}],
                    "maskedPaths": ["/proc/kcore"],
                    "readonlyPaths": ["/proc/sys"]
                  }
                }
                """.formatted(argv, rootfs, volume);
        Files.writeString(bundle.resolve("config.json"), config, StandardCharsets.UTF_8);
        return bundle;
    }
}
