package dev.jkata.tests.guest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The guest kernel and initrd under test: {@code $JKATA_GUEST_DIR}, else the repo's {@code build/guest}
 * (made by {@code osbuilder/build-guest.sh}), else the installed {@code /opt/kata/share/kata-containers}.
 * Missing assets skip the test with a message, except in CI ({@code CI=true}) where they fail it.
 */
record GuestAssets(Path kernel, Path initrd) {
    static final String KERNEL = "vmlinux.container";
    static final String INITRD = "kata-containers-initrd.img";
    static final String QEMU = "/usr/bin/qemu-system-x86_64";

    static GuestAssets require() {
        List<Path> dirs = new ArrayList<>();
        String env = System.getenv("JKATA_GUEST_DIR");
        if (env != null && !env.isBlank()) {
            dirs.add(Path.of(env));
        }
        Path cwd = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        dirs.add(cwd.resolve("build/guest"));
        if (cwd.getParent() != null) {
            dirs.add(cwd.getParent().resolve("build/guest"));
        }
        dirs.add(Path.of("/opt/kata/share/kata-containers"));
        for (Path d : dirs) {
            if (Files.isRegularFile(d.resolve(KERNEL)) && Files.isRegularFile(d.resolve(INITRD))) {
                return new GuestAssets(d.resolve(KERNEL), d.resolve(INITRD));
            }
        }
        String msg = "guest assets " + KERNEL + " + " + INITRD + " not found in " + dirs
                + ": build them with osbuilder/build-guest.sh";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(msg);
        }
        assumeTrue(false, msg);
        throw new IllegalStateException(msg);
    }

    /** QEMU: skip (or fail in CI) without it. */
    static void requireQemu() {
        if (!Files.isExecutable(Path.of(QEMU))) {
            String msg = "missing " + QEMU + " (Debian package qemu-system-x86)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            assumeTrue(false, msg);
        }
    }
}
