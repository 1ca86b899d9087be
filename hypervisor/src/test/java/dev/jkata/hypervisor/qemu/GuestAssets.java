package dev.jkata.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds a guest kernel and initrd for integration tests: {@code JKATA_GUEST_KERNEL}/{@code JKATA_GUEST_INITRD},
 * then the osbuilder output {@code build/guest/}, then the installed {@code /opt/kata/share/kata-containers/}.
 * Outside CI a missing asset skips the test (naming the files looked for); with {@code CI=true} it fails.
 */
record GuestAssets(Path kernel, Path initrd) {

    static GuestAssets require() {
        String k = System.getenv("JKATA_GUEST_KERNEL");
        String i = System.getenv("JKATA_GUEST_INITRD");
        if (k != null && i != null) {
            return check(List.of(new GuestAssets(Path.of(k), Path.of(i))));
        }
        Path repo = repoRoot().orElse(Path.of("/work/main"));
        return check(List.of(
                new GuestAssets(repo.resolve("build/guest/vmlinux.container"),
                        repo.resolve("build/guest/kata-containers-initrd.img")),
                new GuestAssets(Path.of("/opt/kata/share/kata-containers/vmlinux.container"),
                        Path.of("/opt/kata/share/kata-containers/kata-containers-initrd.img"))));
    }

    private static GuestAssets check(List<GuestAssets> candidates) {
        for (GuestAssets a : candidates) {
            if (Files.isRegularFile(a.kernel()) && Files.isRegularFile(a.initrd())) {
                return a;
            }
        }
        String msg = "no guest kernel + initrd found; looked for " + candidates;
        if ("true".equals(System.getenv("CI"))) {
            fail(msg);
        }
        Assumptions.abort(msg);
        throw new AssertionError(msg);
    }

    private static Optional<Path> repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("hypervisor")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return Optional.of(p);
            }
            p = p.getParent();
        }
        return Optional.empty();
    }
}
