package dev.jkata.tests.containerd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Guest assets, a Kata configuration pointing at them, and the offline busybox image. */
public final class KataSetup {
    static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
    static final Path INSTALLED = Path.of("/opt/kata/share/kata-containers");
    static final Path BUILT = REPO.resolve("build/guest");
    public static final String IMAGE = "docker.io/library/bb:latest";

    public record Assets(Path kernel, Path initrd) {}

    private KataSetup() {}

    /** Kernel and initrd from /opt/kata or build/guest; outside CI a missing file skips the test, in CI it fails. */
    public static Assets assets() {
        Assets best = null;
        long bestTime = Long.MIN_VALUE;
        for (Path dir : new Path[] {INSTALLED, BUILT}) {
            Path k = dir.resolve("vmlinux.container");
            Path i = dir.resolve("kata-containers-initrd.img");
            if (Files.isReadable(k) && Files.isReadable(i)) {
                long t;
                try {
                    t = Files.getLastModifiedTime(i).toMillis();
                } catch (IOException e) {
                    continue;
                }
                if (t > bestTime) { // the newer build wins: build/guest while developing, /opt/kata once installed
                    best = new Assets(k, i);
                    bestTime = t;
                }
            }
        }
        if (best != null) {
            return best;
        }
        String msg = "guest assets missing: need vmlinux.container and kata-containers-initrd.img in "
                + INSTALLED + " or " + BUILT + " (osbuilder/build-guest.sh makes them)";
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(msg);
        }
        Assumptions.abort(msg);
        return null;
    }

    /**
     * The repo's configuration-qemu.toml with the kernel and initrd of {@code assets} and
     * {@code overrides} (key → raw TOML value) replacing keys of [hypervisor.qemu].
     */
    public static Path writeConfig(Path file, Assets assets, Map<String, String> overrides) throws IOException {
        String toml = Files.readString(REPO.resolve("config/configuration-qemu.toml"));
        toml = replaceKey(toml, "kernel", "\"" + assets.kernel() + "\"");
        toml = replaceKey(toml, "initrd", "\"" + assets.initrd() + "\"");
        for (var e : overrides.entrySet()) {
            toml = replaceKey(toml, e.getKey(), e.getValue());
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, toml);
        return file;
    }

    static String replaceKey(String toml, String key, String value) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + "\\s*=.*$").matcher(toml);
        if (!m.find()) {
            throw new IllegalArgumentException("key " + key + " not in configuration-qemu.toml");
        }
        return m.replaceFirst(Matcher.quoteReplacement(key + " = " + value));
    }

    /** Builds (once, cached under target/) and imports the busybox image. */
    public static void importImage(Containerd c) throws IOException, InterruptedException {
        Path out = REPO.resolve("tests/target/images");
        Containerd.Result build = Containerd.run(java.util.List.of("sh",
                REPO.resolve("tests/images/build-busybox-image.sh").toString(), out.toString()),
                java.time.Duration.ofMinutes(5), null);
        Assertions.assertEquals(0, build.exit(), "building the busybox image: " + build.describe());
        Containerd.Result imp = c.ctr(java.time.Duration.ofMinutes(2), "images", "import", "--base-name",
                "docker.io/library/bb", out.resolve("bb-oci.tar").toString());
        Assertions.assertEquals(0, imp.exit(), "importing the busybox image: " + imp.describe());
    }
}
