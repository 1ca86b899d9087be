package dev.jkata.tests.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.tests.containerd.Containerd;
import dev.jkata.tests.containerd.KataContainerd;
import dev.jkata.tests.containerd.KataSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code static_sandbox_resource_mgmt = true} through containerd and the shim ({@code ctr run}): the VM
 * gets default_vcpus (1) + ceil(quota/period) vCPUs and default_memory (512 MiB) + the limit, seen from
 * the guest ({@code nproc}, MemTotal). Once with the CRI sandbox annotations containerd's CRI plugin sets
 * (given here with {@code ctr run --annotation}), once with a single container's own limits
 * ({@code --cpus}, {@code --memory-limit}). Also checks that the network namespace the shim made for the
 * pathless netns entry of {@code ctr run} is gone afterwards. Needs root, containerd, the guest assets.
 */
class StaticSizingIT {

    private static final String RUNTIME = "io.containerd.kata.v2";
    private static final Duration RUN = Duration.ofMinutes(4);
    private static final long MIB = 1024 * 1024;

    @AutoClose
    private static KataContainerd kata;
    private static Containerd containerd;
    private final List<String> ids = new ArrayList<>();

    @BeforeAll
    static void startContainerd() throws Exception {
        kata = KataContainerd.start("jkata-sizing-it-", Map.of("static_sandbox_resource_mgmt", "true",
                "default_vcpus", "1", "default_memory", "512"));
        containerd = kata.containerd();
    }


    @AfterEach
    void nothingLeft() throws Exception {
        List<String> left = kata.leftBehind(ids);
        for (String id : ids) {
            assertFalse(Files.exists(Path.of("/run/netns/jkata-" + id)), "netns made for " + id + " removed");
        }
        assertEquals(List.of(), left, "left behind by " + ids);
    }

    private String newId() {
        String id = "jksz" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        ids.add(id);
        return id;
    }

    /** Runs busybox printing nproc and MemTotal (kB); returns them. */
    private long[] guestSize(String id, String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("run", "--runtime", RUNTIME, "--rm"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of(KataSetup.IMAGE, id, "sh", "-c",
                "nproc; grep MemTotal /proc/meminfo | tr -s ' ' | cut -d' ' -f2"));
        Containerd.Result r = containerd.ctr(RUN, cmd.toArray(String[]::new));
        System.out.println(id + ": " + r.describe().replace("\n", " | "));
        assertEquals(0, r.exit(), r.describe() + "\ncontainerd log:\n" + containerd.log());
        List<String> lines = r.out().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        return new long[] {Long.parseLong(lines.get(0)), Long.parseLong(lines.get(1))};
    }

    @Test
    void criSandboxAnnotationsSizeTheVm() throws Exception {
        long[] size = guestSize(newId(),
                "--annotation", "io.kubernetes.cri.container-type=sandbox",
                "--annotation", "io.kubernetes.cri.sandbox-cpu-quota=150000",
                "--annotation", "io.kubernetes.cri.sandbox-cpu-period=100000",
                "--annotation", "io.kubernetes.cri.sandbox-memory=" + 256 * MIB);
        assertEquals(3, size[0], "1 default vCPU + ceil(1.5)");
        assertTrue(size[1] > 640 * 1024 && size[1] <= 768 * 1024, "MemTotal " + size[1] + " kB of 512 + 256 MiB");
    }

    @Test
    void aSingleContainersLimitsSizeTheVm() throws Exception {
        long[] size = guestSize(newId(), "--cpus", "1", "--memory-limit", Long.toString(128 * MIB));
        assertEquals(2, size[0], "1 default vCPU + 1");
        assertTrue(size[1] > 560 * 1024 && size[1] <= 640 * 1024, "MemTotal " + size[1] + " kB of 512 + 128 MiB");
    }
}
