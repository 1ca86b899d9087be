package dev.jkata.tests.network;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * What the network integration tests need: root, QEMU, virtiofsd, nsenter, ip, tc, busybox and the
 * guest kernel + initrd ({@code JKATA_GUEST_KERNEL}/{@code JKATA_GUEST_INITRD}, else
 * {@code build/guest/}, else {@code /opt/kata/share/kata-containers/}). Outside CI a missing piece skips
 * the test, naming it; with {@code CI=true} it fails.
 */
record NetAssets(Path kernel, Path initrd) {

    static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
    static final Path VIRTIOFSD = Path.of("/usr/lib/qemu/virtiofsd");

    static NetAssets require() {
        if (!"root".equals(System.getProperty("user.name"))) {
            missing("root (network namespaces, taps and mounts need it); running as " + System.getProperty("user.name"));
        }
        for (Path tool : List.of(QEMU, VIRTIOFSD)) {
            if (!Files.isExecutable(tool)) {
                missing(tool + " (Debian package qemu-system-x86)");
            }
        }
        if (!Files.isExecutable(Path.of("/usr/bin/nsenter"))) {
            missing("/usr/bin/nsenter (Debian package util-linux)");
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/tc")) && !Files.isExecutable(Path.of("/sbin/tc"))) {
            missing("tc (Debian package iproute2)");
        }
        if (!Files.isExecutable(Path.of("/bin/busybox"))) {
            missing("/bin/busybox (Debian package busybox-static)");
        }
        String k = System.getenv("JKATA_GUEST_KERNEL");
        String i = System.getenv("JKATA_GUEST_INITRD");
        Path repo = repoRoot();
        List<NetAssets> candidates = k != null && i != null
                ? List.of(new NetAssets(Path.of(k), Path.of(i)))
                : List.of(new NetAssets(repo.resolve("build/guest/vmlinux.container"),
                                repo.resolve("build/guest/kata-containers-initrd.img")),
                        new NetAssets(Path.of("/opt/kata/share/kata-containers/vmlinux.container"),
                                Path.of("/opt/kata/share/kata-containers/kata-containers-initrd.img")));
        for (NetAssets a : candidates) {
            if (Files.isRegularFile(a.kernel()) && Files.isRegularFile(a.initrd())) {
                return a;
            }
        }
        missing("a guest kernel + initrd; looked for " + candidates);
        throw new AssertionError("unreachable");
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("tests")) && Files.isRegularFile(p.resolve("pom.xml"))
                    && Files.isDirectory(p.resolve("runtime"))) {
                return p;
            }
            p = p.getParent();
        }
        return Path.of("/work/main");
    }

    static void missing(String what) {
        String msg = "network integration tests need " + what;
        if ("true".equals(System.getenv("CI"))) {
            fail(msg);
        }
        Assumptions.abort(msg);
    }
}
