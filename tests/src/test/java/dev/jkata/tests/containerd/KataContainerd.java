package dev.jkata.tests.containerd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A private containerd for a test class: a work directory under /tmp, the shim under test on its PATH
 * ({@code work/bin}), KATA_CONF_FILE pointing at {@code work/kata.toml} made for the guest assets (with
 * the given keys overridden), the busybox image imported. {@link #close()} stops containerd and removes
 * the work directory.
 *
 * @param work the test's directory
 * @param bin the shim's directory (put on containerd's PATH)
 * @param assets the guest kernel and initrd
 * @param config the Kata configuration file
 * @param containerd the running containerd
 */
public record KataContainerd(Path work, Path bin, KataSetup.Assets assets, Path config, Containerd containerd)
        implements AutoCloseable {

    /** Starts one; {@code prefix} names the work directory, {@code kataKeys} override keys of the config. */
    public static KataContainerd start(String prefix, Map<String, String> kataKeys)
            throws IOException, InterruptedException {
        KataSetup.Assets assets = KataSetup.assets();
        Path work = Files.createTempDirectory(Path.of("/tmp"), prefix);
        try {
            Path bin = work.resolve("bin");
            ShimInstall.write(bin);
            Path config = KataSetup.writeConfig(work.resolve("kata.toml"), assets, kataKeys);
            Containerd containerd = Containerd.start(bin, Map.of("KATA_CONF_FILE", config.toString()));
            try {
                KataSetup.importImage(containerd);
            } catch (IOException | InterruptedException | RuntimeException e) {
                containerd.close();
                throw e;
            }
            return new KataContainerd(work, bin, assets, config, containerd);
        } catch (IOException | InterruptedException | RuntimeException e) {
            removeWork(work);
            throw e;
        }
    }

    /**
     * After a test: removes every container and task, waits until nothing of {@code ids} is left (up to
     * 20 s each), kills processes still naming one; what was left behind, for the test to assert empty.
     */
    public List<String> leftBehind(List<String> ids) throws IOException, InterruptedException {
        containerd.removeAll();
        List<String> left = new ArrayList<>();
        for (String id : ids) {
            left.addAll(Leaks.awaitGone(id, 20_000));
        }
        ids.forEach(Leaks::killProcessesOf);
        return left;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            containerd.close();
        } finally {
            removeWork(work);
        }
    }

    private static void removeWork(Path work) throws IOException, InterruptedException {
        Containerd.run(List.of("rm", "-rf", work.toString()), Duration.ofSeconds(30), null);
    }
}
