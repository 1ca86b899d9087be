package dev.jkata.tests.cri;

import dev.jkata.tests.containerd.Containerd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assertions;

/**
 * The offline images of the CRI tests: the busybox test image (tests/images/build-busybox-image.sh) and a
 * pause image made from it whose only process is a shell that sleeps until SIGTERM/SIGINT. Both are built
 * once under tests/target/images and imported into containerd's {@code k8s.io} namespace, where CRI finds
 * them (nothing is pulled).
 */
public final class CriImages {
    public static final String PAUSE = "docker.io/library/jkpause:3.9";
    public static final String BUSYBOX = "docker.io/library/bb:latest";
    static final String PAUSE_SCRIPT = "trap 'exit 0' TERM INT; while :; do sleep 1000 & wait $!; done";

    private CriImages() {}

    static Path repo() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        return Files.exists(dir.resolve("install.sh")) ? dir : dir.getParent();
    }

    /** Builds what is missing and imports both images into {@code c}; CRI must then report them. */
    public static void importAll(CriContainerd c) throws IOException, InterruptedException {
        Path out = repo().resolve("tests/target/images");
        Containerd.Result build = Containerd.run(List.of("sh",
                repo().resolve("tests/images/build-busybox-image.sh").toString(), out.toString()),
                Duration.ofMinutes(5), null);
        Assertions.assertEquals(0, build.exit(), "building the busybox image: " + build.describe());
        Path pause = pauseTar(out);
        importTar(c, "docker.io/library/bb", out.resolve("bb-oci.tar"));
        importTar(c, "docker.io/library/jkpause", pause);
        for (String image : List.of(PAUSE, BUSYBOX)) {
            Assertions.assertTrue(c.cri().imageStatus(image).hasImage(),
                    "CRI does not see the imported image " + image);
        }
    }

    private static void importTar(CriContainerd c, String baseName, Path tar) throws IOException, InterruptedException {
        Containerd.Result imp = c.ctr(Duration.ofMinutes(3), "images", "import", "--base-name", baseName,
                tar.toString());
        Assertions.assertEquals(0, imp.exit(), "importing " + tar + ": " + imp.describe());
    }

    /** tests/target/images/pause-oci.tar, rebuilt when the busybox image is newer. */
    static Path pauseTar(Path out) throws IOException, InterruptedException {
        Path tar = out.resolve("pause-oci.tar");
        Path bb = out.resolve("bb-oci.tar");
        if (Files.exists(tar) && Files.getLastModifiedTime(tar).compareTo(Files.getLastModifiedTime(bb)) > 0) {
            return tar;
        }
        Path work = Files.createTempDirectory(out, ".pause-");
        try {
            Path layout = work.resolve("oci");
            run(List.of("cp", "-a", out.resolve("oci").toString(), layout.toString()));
            run(List.of("umoci", "config", "--image", layout + ":bb", "--tag", "3.9",
                    "--config.cmd", "/bin/sh", "--config.cmd", "-c", "--config.cmd", PAUSE_SCRIPT));
            run(List.of("umoci", "rm", "--image", layout + ":bb"));
            run(List.of("umoci", "rm", "--image", layout + ":latest"));
            run(List.of("umoci", "gc", "--layout", layout.toString()));
            Path tmpTar = work.resolve("pause-oci.tar");
            run(List.of("tar", "-C", layout.toString(), "-cf", tmpTar.toString(), "."));
            Files.move(tmpTar, tar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return tar;
        } finally {
            run(List.of("rm", "-rf", work.toString()));
        }
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Containerd.Result r = Containerd.run(cmd, Duration.ofMinutes(2), null);
        if (r.exit() != 0) {
            throw new IOException("building the pause image: " + String.join(" ", cmd) + " failed: " + r.describe());
        }
    }
}
