package dev.jkata.tests.containerd;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * containerd-shim-kata-v2 end to end: a real containerd 1.6 and ctr, the shim under test on
 * containerd's PATH, real QEMU VMs. Every test checks that nothing of its sandboxes is left.
 */
class ContainerdShimIT {
    static final String RUNTIME = "io.containerd.kata.v2";
    static final Duration RUN = Duration.ofMinutes(3);

    static Path work;
    static KataSetup.Assets assets;
    static Path config;
    static Containerd containerd;
    final List<String> ids = new ArrayList<>();

    @BeforeAll
    static void startContainerd() throws Exception {
        assets = KataSetup.assets();
        work = Files.createTempDirectory(Path.of("/tmp"), "jkata-shim-it-");
        Path bin = work.resolve("bin");
        ShimInstall.write(bin);
        config = KataSetup.writeConfig(work.resolve("kata.toml"), assets, Map.of());
        containerd = Containerd.start(bin, Map.of("KATA_CONF_FILE", config.toString()));
        KataSetup.importImage(containerd);
    }

    @AfterAll
    static void stopContainerd() throws Exception {
        if (containerd != null) {
            containerd.close();
        }
        if (work != null) {
            Containerd.run(List.of("rm", "-rf", work.toString()), Duration.ofSeconds(30), null);
        }
    }

    String newId() {
        String id = "jk" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        ids.add(id);
        return id;
    }

    @AfterEach
    void nothingLeft() throws Exception {
        containerd.removeAll();
        List<String> left = new ArrayList<>();
        for (String id : ids) {
            left.addAll(Leaks.awaitGone(id, 20_000));
        }
        ids.forEach(Leaks::killProcessesOf);
        assertEquals(List.of(), left, "left behind by " + ids + "\ncontainerd log:\n" + containerd.log());
    }

    Containerd.Result run(Containerd c, String... args) throws Exception {
        return c.ctr(RUN, args);
    }

    @Test
    void unameShowsTheGuestKernelWhileQemuRuns() throws Exception {
        String id = newId();
        String hostKernel = Containerd.run(List.of("uname", "-r"), Duration.ofSeconds(10), null).out().strip();
        AtomicBoolean sawQemu = new AtomicBoolean();
        Thread watcher = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted() && !sawQemu.get()) {
                if (Leaks.processesMentioning(id).stream().anyMatch(p -> p.contains("qemu-system"))) {
                    sawQemu.set(true);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Containerd.Result r = run(containerd, "run", "--runtime", RUNTIME, "--rm", KataSetup.IMAGE, id, "uname", "-r");
        watcher.interrupt();
        assertEquals(0, r.exit(), r.describe() + "\n" + containerd.log());
        String guestKernel = r.out().strip();
        assertFalse(guestKernel.isEmpty(), r.describe());
        assertNotEquals(hostKernel, guestKernel, "the container must run the guest's kernel");
        assertTrue(sawQemu.get(), "a qemu-system process of sandbox " + id + " ran during the container");
    }

    @Test
    void exitStatusComesThrough() throws Exception {
        String id = newId();
        Containerd.Result r = run(containerd, "run", "--runtime", RUNTIME, "--rm", KataSetup.IMAGE, id, "sh", "-c", "exit 7");
        assertEquals(7, r.exit(), r.describe() + "\n" + containerd.log());
    }
}
