package dev.jkata.tests.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A busybox root filesystem for test containers: the one {@code tests/images/build-busybox-image.sh}
 * makes (cached in {@code target/busybox-image}), or, when that script is not there, a directory
 * with Debian's static busybox and its applet links.
 */
final class BusyboxRootfs {
    private BusyboxRootfs() {}

    /** A ready rootfs directory (made once per build). */
    static synchronized Path source() throws IOException, InterruptedException {
        Path tests = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        Path script = tests.resolve("images/build-busybox-image.sh");
        Path out = tests.resolve("target/busybox-image");
        if (Files.isRegularFile(script)) {
            Process p = new ProcessBuilder("sh", script.toString(), out.toString()).redirectErrorStream(true)
                    .redirectOutput(tests.resolve("target/busybox-image.log").toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(script + " did not finish within 5 minutes");
            }
            if (p.exitValue() != 0) {
                throw new IOException(script + " failed (exit " + p.exitValue() + "): "
                        + GuestVm.tail(tests.resolve("target/busybox-image.log")));
            }
            return out.resolve("rootfs");
        }
        Path own = tests.resolve("target/busybox-rootfs");
        if (!Files.isExecutable(own.resolve("bin/busybox"))) {
            make(own);
        }
        return own;
    }

    private static void make(Path root) throws IOException, InterruptedException {
        Path busybox = Path.of("/bin/busybox");
        if (!Files.isExecutable(busybox)) {
            throw new IOException("/bin/busybox missing: install Debian package busybox-static");
        }
        for (String d : List.of("bin", "sbin", "usr/bin", "usr/sbin", "proc", "sys", "dev", "tmp", "etc", "root")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.copy(busybox, root.resolve("bin/busybox"), StandardCopyOption.REPLACE_EXISTING);
        Process p = new ProcessBuilder(busybox.toString(), "--list-full").start();
        String list = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        for (String a : list.split("\n")) {
            Path link = root.resolve(a.strip());
            if (!a.isBlank() && !Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(link.getParent());
                Files.createSymbolicLink(link, Path.of("/bin/busybox"));
            }
        }
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\n");
    }

    /** Copies the rootfs to {@code <shared>/<cid>/rootfs} (where Kata mounts a container's rootfs). */
    static Path install(Path shared, String cid) throws IOException, InterruptedException {
        Path src = source();
        Path dst = shared.resolve(cid).resolve("rootfs");
        Files.createDirectories(dst);
        // cp -a keeps symlinks, modes and device nodes as they are
        Process p = new ProcessBuilder("cp", "-a", src + "/.", dst.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("cp -a " + src + " " + dst + " failed: " + out);
        }
        try (Stream<Path> s = Files.list(dst)) {
            if (s.findAny().isEmpty()) {
                throw new IOException("busybox rootfs " + src + " is empty");
            }
        }
        return dst;
    }
}
