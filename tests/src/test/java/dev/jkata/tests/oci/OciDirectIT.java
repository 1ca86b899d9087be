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
        // the hook's pid is in the sandbox's namespace, not the host's, in the foreground too
        Path where = work.resolve("run-hook-netns");
        Path hook = hookScript("run-hook.sh", "pid=$(sed -n 's/.*\"pid\": *\\([0-9]*\\).*/\\1/p'); "
                + "if [ \"$(readlink /proc/$pid/ns/net)\" = \"$(readlink /proc/self/ns/net)\" ]; then echo host; "
                + "else echo sandbox; fi > " + where);
        addHooks(b, "{\"createRuntime\": [{\"path\": \"" + hook + "\"}]}");
        try {
            Containerd.Result r = kata(VM, "run", "--bundle", b.toString(), id);
            assertEquals(5, r.exit(), r.describe());
            assertEquals("sandbox", OciHarness.read(where).strip());
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

    @Test
    void eventsStreamsStatsAndTheOomKillsInTheGuest() throws Exception {
        String id = "oci-oom-" + ProcessHandle.current().pid();
        Path b = bundle("oom", "[\"sh\", \"-c\", \"while true; do sleep 1; done\"]");
        String config = OciHarness.read(b.resolve("config.json"));
        String limited = config.replace("\"resources\": {", "\"resources\": {\"memory\": {\"limit\": 50331648}, ");
        assertNotEquals(config, limited);
        Files.writeString(b.resolve("config.json"), limited);
        Process events = null;
        try {
            Containerd.Result c = kata(VM, "create", "--bundle", b.toString(), "--pid-file", work.resolve("oom.pid").toString(), id);
            assertEquals(0, c.exit(), c.describe());
            assertEquals(0, kata(Duration.ofSeconds(60), "start", id).exit());
            events = new ProcessBuilder(OciHarness.RUNTIME.toString(), "--root", root.toString(), "events", "--interval", "1s", id)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(events.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            java.util.concurrent.BlockingQueue<String> seen = new java.util.concurrent.LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> lines.lines().forEach(seen::add));
            String first = seen.poll(60, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(first != null && first.contains("\"type\":\"stats\"") && first.contains("\"id\":\"" + id + "\""),
                    "a stats event first: " + first);
            // over the 48 MiB limit: the kernel in the guest kills the hog, the agent reports it
            Containerd.Result hog = kata(Duration.ofMinutes(3), "exec", id, "sh", "-c", "head -c 200000000 /dev/zero | tail");
            assertNotEquals(0, hog.exit(), "the hog is OOM-killed: " + hog.describe());
            String oom = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (oom == null && System.nanoTime() < deadline) {
                String l = seen.poll(5, java.util.concurrent.TimeUnit.SECONDS);
                if (l != null && l.contains("\"type\":\"oom\"")) {
                    oom = l;
                }
            }
            assertEquals("{\"type\":\"oom\",\"id\":\"" + id + "\"}", oom);
        } finally {
            if (events != null) {
                events.destroy();
                events.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            kata(Duration.ofMinutes(2), "delete", "--force", id);
            OciHarness.forceClean(id, root);
        }
        assertEquals(List.of(), OciHarness.awaitClean(id, root, 30_000));
    }

    /** A hook script in the work dir: {@code body} runs with the state JSON on stdin. */
    private static Path hookScript(String name, String body) throws IOException {
        Path p = work.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static void addHooks(Path bundle, String hooksJson) throws IOException {
        String config = OciHarness.read(bundle.resolve("config.json"));
        Files.writeString(bundle.resolve("config.json"), "{\"hooks\": " + hooksJson + "," + config.substring(config.indexOf('{') + 1));
    }

    @Test
    void hooksRunOnTheHostWithTheStateAndThePidInTheSandboxNetns() throws Exception {
        String id = "oci-hooks-" + ProcessHandle.current().pid();
        Path out = Files.createDirectories(work.resolve("hook-out"));
        // the state's pid must live in the namespace the VM gets, as runc's init would
        Path record = hookScript("record.sh", "s=$(cat); echo \"$s\" > " + out + "/$1.json; "
                + "pid=$(echo \"$s\" | sed -n 's/.*\"pid\": *\\([0-9]*\\).*/\\1/p'); "
                + "readlink /proc/$pid/ns/net > " + out + "/$1.ns; echo \"$X\" > " + out + "/$1.env");
        Path b = bundle("hooks", "[\"sh\", \"-c\", \"echo ready; while true; do sleep 1; done\"]");
        String h = "{\"path\": \"" + record + "\", \"args\": [\"record.sh\", \"%s\"], \"env\": [\"X=%s\"], \"timeout\": 30}";
        addHooks(b, "{\"prestart\": [" + h.formatted("prestart", "p1") + "], \"createRuntime\": ["
                + h.formatted("createRuntime", "c1") + "], \"poststart\": [" + h.formatted("poststart", "ps1")
                + "], \"poststop\": [" + h.formatted("poststop", "pz1") + "]}");
        Path pidFile = work.resolve("hooks.pid");
        try {
            Containerd.Result c = kata(VM, "create", "--bundle", b.toString(), "--pid-file", pidFile.toString(), id);
            assertEquals(0, c.exit(), c.describe());
            long pid = Long.parseLong(OciHarness.read(pidFile).strip());
            String prestart = OciHarness.read(out.resolve("prestart.json"));
            assertTrue(prestart.contains("\"id\":\"" + id + "\"") && prestart.contains("\"status\":\"creating\"")
                    && prestart.contains("\"pid\":" + pid) && prestart.contains("\"bundle\":\"" + b + "\""), prestart);
            assertEquals("p1", OciHarness.read(out.resolve("prestart.env")).strip());
            Path netns = OciHarness.netns(root, id);
            assertTrue(Files.exists(netns), "kata-runtime made " + netns + " for the network entry without a path");
            Object inode = Files.getAttribute(netns, "unix:ino");
            assertEquals("net:[" + inode + "]", OciHarness.read(out.resolve("createRuntime.ns")).strip(),
                    "the hook's pid is in the sandbox's network namespace");
            assertFalse(Files.exists(out.resolve("poststart.json")), "poststart runs at start");

            Containerd.Result s = kata(Duration.ofSeconds(60), "start", id);
            assertEquals(0, s.exit(), s.describe());
            assertTrue(OciHarness.read(out.resolve("poststart.json")).contains("\"status\":\"running\""));

            Containerd.Result ps = kata(Duration.ofSeconds(60), "ps", id);
            assertEquals(0, ps.exit(), ps.describe());
            assertTrue(ps.out().contains("PID") && ps.out().contains("while true"), "the container's own processes: "
                    + ps.describe());
            assertFalse(ps.out().contains("ps -ef"), "the ps process is left out: " + ps.describe());
            Containerd.Result psArgs = kata(Duration.ofSeconds(60), "ps", id, "-o", "pid,args");
            assertEquals(0, psArgs.exit(), psArgs.describe());
            assertTrue(psArgs.out().lines().anyMatch(l -> l.strip().startsWith("1 ") && l.contains("while true")),
                    "the container's init is pid 1 in its guest pid namespace: " + psArgs.describe());
            Containerd.Result stats = kata(Duration.ofSeconds(60), "events", "--stats", id);
            assertEquals(0, stats.exit(), stats.describe());
            assertTrue(stats.out().contains("\"type\":\"stats\""), stats.describe());

            assertFalse(Files.exists(out.resolve("poststop.json")), "poststop runs at delete");
            Containerd.Result d = kata(Duration.ofSeconds(120), "delete", "--force", id);
            assertEquals(0, d.exit(), d.describe());
            assertTrue(OciHarness.read(out.resolve("poststop.json")).contains("\"status\":\"stopped\""));
            assertEquals(List.of(), OciHarness.awaitClean(id, root, 30_000));
        } finally {
            OciHarness.forceClean(id, root);
        }
    }

    @Test
    void aFailingPrestartHookFailsCreateNamingItAndLeavesNothing() throws Exception {
        String id = "oci-badhook-" + ProcessHandle.current().pid();
        Path bad = hookScript("bad-hook.sh", "cat > /dev/null; echo 'cannot wire the network' >&2; exit 3");
        Path b = bundle("badhook", "[\"true\"]");
        addHooks(b, "{\"prestart\": [{\"path\": \"" + bad + "\"}]}");
        Path pidFile = work.resolve("badhook.pid");
        try {
            Containerd.Result c = kata(VM, "create", "--bundle", b.toString(), "--pid-file", pidFile.toString(), id);
            assertEquals(1, c.exit(), c.describe());
            assertTrue(c.err().contains("prestart hook " + bad) && c.err().contains("exited with code 3")
                    && c.err().contains("cannot wire the network"), c.describe());
            assertFalse(Files.exists(pidFile), "no pid file after a failed create");
            assertEquals(List.of(), OciHarness.awaitClean(id, root, 30_000));
        } finally {
            OciHarness.forceClean(id, root);
        }
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
