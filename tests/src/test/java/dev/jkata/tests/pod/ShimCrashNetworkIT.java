package dev.jkata.tests.pod;

import static dev.jkata.tests.sandbox.SandboxFixture.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.tests.containerd.Containerd;
import dev.jkata.tests.containerd.KataContainerd;
import dev.jkata.tests.containerd.KataSetup;
import dev.jkata.tests.containerd.Leaks;
import dev.jkata.tests.network.TestNetns;
import dev.jkata.tests.sandbox.Cleanups;
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
 * A shim killed with SIGKILL leaves its networking to {@code containerd-shim-kata-v2 delete}, which
 * containerd runs when it sees the shim go: the taps and tc filters in the pod's namespace, and a
 * namespace the shim made itself, must be gone afterwards (they are recorded in state.json). Real
 * containerd, shim, QEMU (TCG). Needs root.
 */
class ShimCrashNetworkIT {

    private static final String RUNTIME = "io.containerd.kata.v2";
    private static final Duration RUN = Duration.ofMinutes(4);

    @AutoClose
    private static KataContainerd kata;
    private static Containerd containerd;
    private final List<String> ids = new ArrayList<>();
    private final Cleanups cleanups = new Cleanups();

    @BeforeAll
    static void startContainerd() throws Exception {
        kata = KataContainerd.start("jkata-crashnet-it-", Map.of());
        containerd = kata.containerd();
    }


    @AfterEach
    void nothingLeft() throws Exception {
        List<String> left = kata.leftBehind(ids);
        cleanups.close();
        assertEquals(List.of(), left, "left behind by " + ids);
    }

    private String newId() {
        String id = "jkcn" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        ids.add(id);
        return id;
    }

    /** A check made while the task runs, before its shim is killed. */
    @FunctionalInterface
    private interface Check {
        void run() throws Exception;
    }

    /**
     * Starts {@code sleep} in a kata container, waits until it runs, makes {@code whileRunning}, kills its
     * shim daemon with SIGKILL.
     */
    private void runAndKillShim(String id, Check whileRunning, String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("run", "-d", "--runtime", RUNTIME));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of(KataSetup.IMAGE, id, "sleep", "1000"));
        Containerd.Result started = containerd.ctr(RUN, cmd.toArray(String[]::new));
        assertEquals(0, started.exit(), started.describe() + "\n" + containerd.log());
        waitFor(() -> {
            try {
                return containerd.ctr(RUN, "tasks", "ls").out().lines()
                        .anyMatch(l -> l.startsWith(id + " ") && l.contains("RUNNING"));
            } catch (Exception e) {
                return false;
            }
        }, RUN, id + " RUNNING");
        whileRunning.run();
        long shim = Leaks.processesMentioning(id).stream().filter(p -> p.contains("dev.jkata.shim"))
                .mapToLong(p -> Long.parseLong(p.substring(0, p.indexOf(':')))).findFirst()
                .orElseThrow(() -> new AssertionError("no shim daemon for " + id));
        ProcessHandle.of(shim).orElseThrow().destroyForcibly();
    }

    @Test
    void tapsAndFiltersInThePodNamespaceAreRemovedAfterTheShimIsKilled() throws Exception {
        TestNetns ns = TestNetns.create();
        cleanups.add(ns);
        String id = newId();
        runAndKillShim(id, () -> {
            assertTrue(ns.in("ip", "link").contains("tap0_kata"), "tap0_kata while the task runs");
            assertTrue(ns.in("tc", "filter", "show", "dev", "eth0", "ingress").contains("tap0_kata"),
                    "eth0 redirects to the tap while the task runs");
        }, "--with-ns", "network:" + ns.path);
        List<String> left = Leaks.awaitGone(id, 60_000);
        assertEquals(List.of(), left, "delete after the shim died\n" + containerd.log());
        waitFor(() -> {
            try {
                return !ns.in("ip", "link").contains("_kata");
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(30), "no tap left in " + ns.name);
        assertEquals("", ns.in("tc", "filter", "show", "dev", "eth0", "ingress").trim(), "no ingress filter left");
        assertFalse(ns.in("tc", "qdisc", "show", "dev", "eth0").contains("ingress"), "no ingress qdisc left");
        assertTrue(ns.in("ip", "-o", "addr", "show", "dev", "eth0").contains("inet " + ns.podIp() + "/24"),
                "eth0 untouched");
    }

    @Test
    void theNamespaceTheShimMadeIsDeletedAfterTheShimIsKilled() throws Exception {
        String id = newId();
        Path made = Path.of("/run/netns/jkata-" + id);
        runAndKillShim(id, () -> assertTrue(Files.exists(made), made + " exists while the task runs"));
        List<String> left = Leaks.awaitGone(id, 60_000);
        assertEquals(List.of(), left, "delete after the shim died\n" + containerd.log());
        waitFor(() -> !Files.exists(made), Duration.ofSeconds(30), made + " deleted");
        assertFalse(TestNetns.run("ip", "netns", "list").contains("jkata-" + id));
    }
}
