package dev.jkata.tests.install;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/** Launchers for the binaries under test, process runs, and the guest assets of this checkout. */
final class Tools {
    private static final List<String> NOT_RUNTIME = List.of("junit", "opentest4j", "apiguardian", "surefire",
            "failsafe", "test-classes",
            // the CRI tests' gRPC client and its dependencies (dev.jkata.tests.cri) are not the shim's
            "/io/grpc/", "/com/google/guava/", "/com/google/code/", "/com/google/android/", "/com/google/api/",
            "/com/google/errorprone/", "/com/google/j2objc/", "/io/perfmark/", "/org/codehaus/mojo/", "/org/jspecify/");

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Tools() {
    }

    static boolean ci() {
        return "true".equals(System.getenv("CI"));
    }

    /** The repository root (failsafe runs in the tests module). */
    static Path repo() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        return Files.exists(dir.resolve("install.sh")) ? dir : dir.getParent();
    }

    /**
     * A sh launcher for {@code module/main} built from this test JVM's class path (the jars this build made),
     * with the same JVM options as the installed /opt/kata/bin launchers.
     */
    static Path launcher(Path dir, String name, String moduleMain) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String modulePath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> NOT_RUNTIME.stream().noneMatch(e::contains))
                .filter(e -> Files.exists(Path.of(e)))
                .collect(Collectors.joining(":"));
        Path launcher = dir.resolve(name);
        Files.writeString(launcher, """
                #!/bin/sh
                exec "%s" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:disable -Xlog:all=warning:stderr \\
                  --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \\
                  -p "%s" -m %s "$@"
                """.formatted(java, modulePath, moduleMain));
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return launcher;
    }

    static Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("KATA_CONF_FILE");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("jkata-it", ".out");
        Path err = Files.createTempFile("jkata-it", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            // install-opt-kata.sh jlinks and AOT-trains three launchers: minutes on a loaded 2-core TCG host
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                throw new AssertionError("timed out after 600 s: " + String.join(" ", command) + "\nstdout: "
                        + Files.readString(out, StandardCharsets.UTF_8) + "\nstderr: "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A guest asset from /opt/kata or build/guest; outside CI a missing one skips the test, in CI it fails. */
    static Path guestAsset(String name) {
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/opt/kata/share/kata-containers", name),
                repo().resolve("build/guest").resolve(name)));
        Optional<Path> found = candidates.stream().filter(Files::isRegularFile).findFirst();
        if (found.isEmpty()) {
            String msg = "guest asset " + name + " not found in " + candidates
                    + " (build it: osbuilder/build-guest.sh build/guest)";
            if (ci()) {
                throw new AssertionError(msg);
            }
            Assumptions.abort(msg);
        }
        return found.get();
    }

    /** The shipped configuration with the kernel and initrd pointing at the assets of this machine. */
    static String shippedConfigWithAssets() throws IOException {
        String text = Files.readString(repo().resolve("config/configuration-qemu.toml"));
        return text.replace("/opt/kata/share/kata-containers/vmlinux.container", guestAsset("vmlinux.container").toString())
                .replace("/opt/kata/share/kata-containers/kata-containers-initrd.img",
                        guestAsset("kata-containers-initrd.img").toString());
    }
}
