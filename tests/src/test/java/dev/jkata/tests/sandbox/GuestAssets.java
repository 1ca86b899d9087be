package dev.jkata.tests.sandbox;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * What the sandbox and network integration tests need from the machine: root, the guest kernel and initrd
 * ({@code JKATA_GUEST_KERNEL}/{@code JKATA_GUEST_INITRD}, else {@code build/guest/}, else
 * {@code /opt/kata/share/kata-containers/}), QEMU and virtiofsd; for pod networking also nsenter, tc and
 * busybox. Outside CI a missing piece skips the test, naming it; with {@code CI=true} it fails.
 */
public record GuestAssets(Path kernel, Path initrd) {

    public static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
    public static final Path VIRTIOFSD = Path.of("/usr/lib/qemu/virtiofsd");

    /** The guest assets and the tools pod networking needs (nsenter, tc, busybox). */
    public static GuestAssets requireNetworking() {
        GuestAssets assets = require();
        if (!Files.isExecutable(Path.of("/usr/bin/nsenter"))) {
            missing("/usr/bin/nsenter (Debian package util-linux)");
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/tc")) && !Files.isExecutable(Path.of("/sbin/tc"))) {
            missing("tc (Debian package iproute2)");
        }
        if (!Files.isExecutable(Path.of("/bin/busybox"))) {
            missing("/bin/busybox (Debian package busybox-static)");
        }
        return assets;
    }

    public static GuestAssets require() {
        if (!"root".equals(System.getProperty("user.name"))) {
            missing("root (mounts, network namespaces, taps and QEMU need it); running as "
                    + System.getProperty("user.name"));
        }
        for (Path tool : List.of(QEMU, VIRTIOFSD)) {
            if (!Files.isExecutable(tool)) {
                missing(tool + " (Debian package qemu-system-x86)");
            }
        }
        String k = System.getenv("JKATA_GUEST_KERNEL");
        String i = System.getenv("JKATA_GUEST_INITRD");
        List<GuestAssets> candidates = k != null && i != null
                ? List.of(new GuestAssets(Path.of(k), Path.of(i)))
                : List.of(
                        new GuestAssets(repoRoot().resolve("build/guest/vmlinux.container"),
                                repoRoot().resolve("build/guest/kata-containers-initrd.img")),
                        new GuestAssets(Path.of("/opt/kata/share/kata-containers/vmlinux.container"),
                                Path.of("/opt/kata/share/kata-containers/kata-containers-initrd.img")));
        for (GuestAssets a : candidates) {
            if (Files.isRegularFile(a.kernel()) && Files.isRegularFile(a.initrd())) {
                return a;
            }
        }
        missing("a guest kernel + initrd; looked for " + candidates);
        throw new AssertionError("unreachable");
    }

    /** The repository root (the directory holding tests/ and pom.xml). */
    public static Path repoRoot() {
        return findRepoRoot().orElse(Path.of("/work/main"));
    }

    private static Optional<Path> findRepoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("tests/images")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return Optional.of(p);
            }
            p = p.getParent();
        }
        return Optional.empty();
    }

    public static void missing(String what) {
        String msg = "this integration test needs " + what;
        if ("true".equals(System.getenv("CI"))) {
            fail(msg);
        }
        Assumptions.abort(msg);
    }
}
