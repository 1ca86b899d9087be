package dev.jkata.tests.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.tests.containerd.Containerd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kata-runtime used directly, as runc is: {@code spec}, {@code run}, {@code create}/{@code start}/
 * {@code state}/{@code kill}/{@code delete} on a bundle, each container in a real QEMU guest.
 * Prints the median wall time of state, kill and start next to runc's and the pid-file process's RSS.
 */
class OciDirectIT {

    private static final Duration VM = Duration.ofMinutes(4);
    private static Path work;
    private static Path image;
    private static Path root;

    @BeforeAll
    static void setUp() throws IOException, InterruptedException {
        OciHarness.requireBasics();
        work = Files.createTempDirectory(Path.of("/tmp"), "jkata-oci-");
        image = OciHarness.image(work.resolve("img"));
        root = work.resolve("root");
    }

    @AfterAll
    static void tearDown() throws IOException, InterruptedException {
        if (work != null) {
            OciHarness.removeTree(work);
        }
    }

    /** A bundle made by {@code kata-runtime spec}, with the busybox rootfs and {@code args}, no terminal. */
    private static Path bundle(String name, String argsJson) throws IOException, InterruptedException {
        Path b = Files.createDirectories(work.resolve(name));
        Containerd.Result spec = OciHarness.run(Duration.ofSeconds(30), OciHarness.RUNTIME.toString(), "spec", "--bundle",
                b.toString());
        assertEquals(0, spec.exit(), spec.describe());
        assertEquals(0, OciHarness.run(Duration.ofSeconds(60), "cp", "-a", image.resolve("rootfs").toString(),
                b.resolve("rootfs").toString()).exit());
        String config = OciHarness.read(b.resolve("config.json"));
        String edited = config.replace("\"terminal\": true", "\"terminal\": false")
                .replace("\"args\": [\"sh\"]", "\"args\": " + argsJson);
        assertNotEquals(config, edited);
        Files.writeString(b.resolve("config.json"), edited);
        return b;
    }

    private static Containerd.Result kata(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(OciHarness.RUNTIME.toString(), "--root", root.toString()));
        cmd.addAll(List.of(args));
        return OciHarness.run(timeout, cmd);
    }

    @Test
    void runInTheForegroundPrintsTheGuestKernelAndExitsWithTheContainersCode() throws Exception {
        String id = "oci-run-" + ProcessHandle.current().pid();
        Path b = bundle("run", "[\"sh\", \"-c\", \"uname -r; echo to-stderr >&2; exit 5\"]");
        try {
            Containerd.Result r = kata(VM, "run", "--bundle", b.toString(), id);
            assertEquals(5, r.exit(), r.describe());
            String kernel = r.out().lines().findFirst().orElse("");
            assertFalse(kernel.isBlank(), r.describe());
            assertNotEquals(OciHarness.hostKernel(), kernel, "the container must see the guest kernel");
            assertTrue(r.err().contains("to-stderr"), r.describe());
            assertEquals(List.of(), OciHarness.awaitClean(id, root, 30_000));
        } finally {
            OciHarness.forceClean(id, root);
        }
    }

    @Test
    void createStartStateKillDeleteWorkAsRuncsDo() throws Exception {
        String id = "oci-life-" + ProcessHandle.current().pid();
        Path b = bundle("life", "[\"sh\", \"-c\", \"trap 'exit 7' TERM; trap '' USR1; echo ready; "
                + "while true; do sleep 1; done\"]");
        Path pidFile = work.resolve("life.pid");
        try {
            Containerd.Result c = kata(VM, "create", "--bundle", b.toString(), "--pid-file", pidFile.toString(), id);
            assertEquals(0, c.exit(), c.describe());
            long pid = Long.parseLong(OciHarness.read(pidFile).strip());
            assertTrue(ProcessHandle.of(pid).isPresent(), "pid-file process " + pid + " runs");
            System.out.println("RSS of the pid-file process: " + OciHarness.rssKib(pid) + " KiB");
            assertState(id, "created", pid);

            long t0 = System.nanoTime();
            Containerd.Result s = kata(Duration.ofSeconds(60), "start", id);
            long startMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, s.exit(), s.describe());
            assertState(id, "running", pid);
            List<Long> stateMs = timeRepeated(7, "state", id);
            List<Long> killMs = timeRepeated(5, "kill", id, "USR1");
            Containerd.Result list = kata(Duration.ofSeconds(30), "list", "--format", "json");
            assertTrue(list.out().contains("\"id\":\"" + id + "\""), list.describe());
            Containerd.Result ps = kata(Duration.ofSeconds(30), "ps", "--format", "json", id);
            assertEquals("[" + pid + "]", ps.out().strip(), ps.describe());
            Containerd.Result notStopped = kata(Duration.ofSeconds(30), "delete", id);
            assertEquals(1, notStopped.exit(), notStopped.describe());
            assertTrue(notStopped.err().contains("not stopped"), notStopped.describe());

            Containerd.Result k = kata(Duration.ofSeconds(60), "kill", id, "SIGTERM");
            assertEquals(0, k.exit(), k.describe());
            awaitStatus(id, "stopped");
            long deadline = System.currentTimeMillis() + 20_000;
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid-file process exited");
            Containerd.Result d = kata(Duration.ofSeconds(90), "delete", id);
            assertEquals(0, d.exit(), d.describe());
            assertEquals(List.of(), OciHarness.awaitClean(id, root, 30_000));
            Containerd.Result gone = kata(Duration.ofSeconds(30), "state", id);
            assertEquals(1, gone.exit());
            assertTrue(gone.err().contains("does not exist"), gone.describe());
            System.out.println("kata-runtime: start " + startMs + " ms, state median " + OciHarness.median(stateMs)
                    + " ms " + stateMs + ", kill median " + OciHarness.median(killMs) + " ms " + killMs);
            compareWithRunc(b);
        } finally {
            OciHarness.forceClean(id, root);
        }
    }

    @Test
    void malformedConfigJsonFailsCreateWithThePositionAndLeavesNothing() throws Exception {
        String id = "oci-bad-" + ProcessHandle.current().pid();
        Path b = Files.createDirectories(work.resolve("bad"));
        Files.createDirectories(b.resolve("rootfs"));
        Files.writeString(b.resolve("config.json"), "{\n  \"ociVersion\": \"1.0.2\",\n  \"root\": {\"path\": \"rootfs\",}\n}\n");
        List<Path> before = list(work);
        Containerd.Result r = kata(Duration.ofSeconds(60), "create", "--bundle", b.toString(), id);
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains(b.resolve("config.json").toString()) && r.err().contains("line 3"), r.describe());
        assertEquals(before, list(work));
        assertEquals(List.of(), OciHarness.leftovers(id, root));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir, 2)) {
            return s.sorted().toList();
        }
    }

    private static List<Long> timeRepeated(int n, String... args) throws IOException, InterruptedException {
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            Containerd.Result r = kata(Duration.ofSeconds(60), args);
            ms.add((System.nanoTime() - t0) / 1_000_000);
            assertEquals(0, r.exit(), r.describe());
        }
        return ms;
    }

    private static void assertState(String id, String status, long pid) throws IOException, InterruptedException {
        Containerd.Result r = kata(Duration.ofSeconds(30), "state", id);
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().contains("\"status\": \"" + status + "\""), r.describe());
        assertTrue(r.out().contains("\"pid\": " + pid), r.describe());
        assertTrue(r.out().contains("\"ociVersion\": \"1.0.2\""), r.describe());
    }

    private static void awaitStatus(String id, String status) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        String out = "";
        while (System.currentTimeMillis() < deadline) {
            out = kata(Duration.ofSeconds(30), "state", id).out();
            if (out.contains("\"status\": \"" + status + "\"")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("container " + id + " did not become " + status + ": " + out);
    }

    /** The same verbs with runc on the host, for the timing note. */
    private static void compareWithRunc(Path bundle) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/sbin/runc")) && !Files.isExecutable(Path.of("/usr/bin/runc"))) {
            System.out.println("runc not installed: no comparison");
            return;
        }
        Path runcRoot = work.resolve("runc-root");
        String id = "oci-runc-" + ProcessHandle.current().pid();
        try {
            Containerd.Result c = OciHarness.run(Duration.ofSeconds(60), "runc", "--root", runcRoot.toString(), "create",
                    "--bundle", bundle.toString(), id);
            assertEquals(0, c.exit(), c.describe());
            long t0 = System.nanoTime();
            assertEquals(0, OciHarness.run(Duration.ofSeconds(60), "runc", "--root", runcRoot.toString(), "start", id).exit());
            long startMs = (System.nanoTime() - t0) / 1_000_000;
            List<Long> state = new ArrayList<>();
            List<Long> kill = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                t0 = System.nanoTime();
                OciHarness.run(Duration.ofSeconds(30), "runc", "--root", runcRoot.toString(), "state", id);
                state.add((System.nanoTime() - t0) / 1_000_000);
            }
            for (int i = 0; i < 5; i++) {
                t0 = System.nanoTime();
                OciHarness.run(Duration.ofSeconds(30), "runc", "--root", runcRoot.toString(), "kill", id, "USR1");
                kill.add((System.nanoTime() - t0) / 1_000_000);
            }
            System.out.println("runc: start " + startMs + " ms, state median " + OciHarness.median(state) + " ms " + state
                    + ", kill median " + OciHarness.median(kill) + " ms " + kill);
        } finally {
            OciHarness.run(Duration.ofSeconds(30), "runc", "--root", runcRoot.toString(), "delete", "--force", id);
        }
    }
}
