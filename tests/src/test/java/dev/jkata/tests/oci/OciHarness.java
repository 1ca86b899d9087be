package dev.jkata.tests.oci;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jkata.tests.containerd.Containerd;
import dev.jkata.tests.containerd.Leaks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Shared pieces of the OCI runtime CLI integration tests: the installed kata-runtime, the offline
 * busybox image, command running, and the leak check (no VM, virtiofsd, sandbox daemon, pid-file
 * process, mount or state of a container left).
 */
final class OciHarness {

    static final Path RUNTIME = Path.of("/opt/kata/bin/kata-runtime");
    static final Path KERNEL = Path.of("/opt/kata/share/kata-containers/vmlinux.container");
    static final Path IMAGE_SCRIPT = repo().resolve("tests/images/build-busybox-image.sh");
    /** The kata-runtime default --root (podman passes none). */
    static final Path DEFAULT_ROOT = Path.of("/run/kata-runtime");

    private OciHarness() {
    }

    static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("tests/images"))) {
            p = p.getParent();
        }
        return p == null ? Path.of("/work/main") : p;
    }

    static boolean ci() {
        return "true".equals(System.getenv("CI"));
    }

    /** Skips (or fails in CI) naming what is missing. */
    static void require(boolean present, String what) {
        if (!present) {
            if (ci()) {
                fail("missing in CI: " + what);
            }
            assumeTrue(false, "skipped: missing " + what);
        }
    }

    static void requireBasics() {
        require(Files.isExecutable(RUNTIME), RUNTIME + " (install with scripts/install-opt-kata.sh)");
        require(Files.isRegularFile(KERNEL), KERNEL + " (build the guest with osbuilder/build-guest.sh)");
        require(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "qemu-system-x86_64");
    }

    /** Builds the offline busybox image into {@code dir} (bb-docker.tar, rootfs). */
    static Path image(Path dir) throws IOException, InterruptedException {
        require(Files.isRegularFile(IMAGE_SCRIPT), IMAGE_SCRIPT.toString());
        Containerd.Result r = run(Duration.ofMinutes(5), "bash", IMAGE_SCRIPT.toString(), dir.toString());
        if (r.exit() != 0) {
            fail("building the busybox image failed: " + r.describe());
        }
        return dir;
    }

    static Containerd.Result run(Duration timeout, String... cmd) throws IOException, InterruptedException {
        return Containerd.run(List.of(cmd), timeout, null);
    }

    static Containerd.Result run(Duration timeout, List<String> cmd) throws IOException, InterruptedException {
        return Containerd.run(cmd, timeout, null);
    }

    static String hostKernel() throws IOException, InterruptedException {
        return run(Duration.ofSeconds(10), "uname", "-r").out().strip();
    }

    /** Everything of container {@code id} still on the host (empty when clean). */
    static List<String> leftovers(String id, Path ociRoot) throws IOException {
        List<String> left = new ArrayList<>(Leaks.of(id));
        long self = ProcessHandle.current().pid();
        ProcessHandle.allProcesses().filter(h -> h.pid() != self).forEach(h -> {
            String cmd = h.info().commandLine().orElse("");
            if (cmd.contains("oci-daemon") && cmd.contains(id)) {
                left.add("sandbox daemon " + h.pid() + ": " + cmd);
            }
        });
        if (Files.exists(ociRoot.resolve(id))) {
            left.add("directory " + ociRoot.resolve(id));
        }
        Path socket = daemonSocket(ociRoot, id);
        if (Files.exists(socket)) {
            left.add("daemon socket " + socket);
        }
        Path netns = netns(ociRoot, id);
        if (Files.exists(netns)) {
            left.add("network namespace " + netns);
        }
        return left;
    }

    /** Where kata-runtime's daemon of {@code <root>/<id>} listens (docs/oci-cli.md). */
    static Path daemonSocket(Path ociRoot, String id) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(ociRoot.toAbsolutePath().resolve(id).toString().getBytes(StandardCharsets.UTF_8));
            return Path.of("/run/jkata-oci", java.util.HexFormat.of().formatHex(h, 0, 12) + ".sock");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The network namespace kata-runtime makes for a config.json network entry without a path (docs/oci-cli.md). */
    static Path netns(Path ociRoot, String id) {
        String sock = daemonSocket(ociRoot, id).getFileName().toString();
        return Path.of("/run/netns", "jkata-" + sock.substring(0, sock.indexOf('.')));
    }

    static List<String> awaitClean(String id, Path ociRoot, long millis) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        List<String> left = leftovers(id, ociRoot);
        while (!left.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
            left = leftovers(id, ociRoot);
        }
        return left;
    }

    /** Last resort after a failed test: kill what is left of {@code id} and clean its records. */
    static void forceClean(String id, Path ociRoot) throws IOException, InterruptedException {
        run(Duration.ofSeconds(60), RUNTIME.toString(), "--root", ociRoot.toString(), "delete", "--force", id);
        Leaks.killProcessesOf(id);
    }

    /** Unmounts everything under {@code dir} and deletes it. */
    static void removeTree(Path dir) throws IOException, InterruptedException {
        if (!Files.exists(dir)) {
            return;
        }
        for (String m : Leaks.mountsUnder(dir)) {
            run(Duration.ofSeconds(20), "umount", "-l", m);
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** VmRSS of a process in KiB, -1 when gone. */
    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    static long median(List<Long> values) {
        List<Long> s = new ArrayList<>(values);
        s.sort(null);
        return s.get(s.size() / 2);
    }
}
