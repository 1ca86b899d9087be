package dev.jkata.tests.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.tests.containerd.Containerd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Debian's podman 4.3 with {@code --runtime /opt/kata/bin/kata-runtime}: every container in its
 * own QEMU guest. podman runs with its own --root/--runroot/--tmpdir (removed afterwards),
 * cgroupfs, file events, the rlimits this host allows, and {@code --network none} (so netavark
 * makes no iptables chains).
 */
class PodmanIT {

    private static final Duration VM = Duration.ofMinutes(4);
    private static final String IMAGE = "docker.io/library/bb:latest";
    private static Path work;
    private static List<String> podman;

    @BeforeAll
    static void setUp() throws IOException, InterruptedException {
        OciHarness.requireBasics();
        OciHarness.require(Files.isExecutable(Path.of("/usr/bin/podman")), "/usr/bin/podman");
        work = Files.createTempDirectory(Path.of("/tmp"), "jkata-podman-");
        Path image = OciHarness.image(work.resolve("img"));
        podman = List.of("podman", "--root", work.resolve("root").toString(), "--runroot",
                work.resolve("runroot").toString(), "--tmpdir", work.resolve("tmp").toString(), "--cgroup-manager",
                "cgroupfs", "--events-backend", "file", "--runtime", OciHarness.RUNTIME.toString());
        Containerd.Result load = podman(Duration.ofMinutes(2), "load", "-i", image.resolve("bb-docker.tar").toString());
        assertEquals(0, load.exit(), load.describe());
    }

    @AfterAll
    static void tearDown() throws IOException, InterruptedException {
        if (work == null) {
            return;
        }
        podman(Duration.ofMinutes(2), "rm", "--all", "--force");
        podman(Duration.ofMinutes(1), "unmount", "--all");
        OciHarness.removeTree(work);
    }

    private static Containerd.Result podman(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(podman);
        cmd.addAll(List.of(args));
        return OciHarness.run(timeout, cmd);
    }

    private static List<String> runArgs(String... rest) {
        List<String> cmd = new ArrayList<>(podman);
        cmd.addAll(List.of("run", "--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"));
        cmd.addAll(List.of(rest));
        return cmd;
    }

    @Test
    void runRmPrintsTheGuestKernelExitsWithTheCodeAndUsesABindVolume() throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        Files.writeString(data.resolve("in"), "from-the-host\n");
        Path cidFile = work.resolve("rm.cid");
        Containerd.Result r = OciHarness.run(VM, runArgs("--rm", "--cidfile", cidFile.toString(), "-v",
                data + ":/data", IMAGE, "sh", "-c", "uname -r; cat /data/in; echo written > /data/out; exit 5"));
        assertEquals(5, r.exit(), r.describe());
        List<String> lines = r.out().lines().toList();
        assertFalse(lines.isEmpty(), r.describe());
        assertNotEquals(OciHarness.hostKernel(), lines.getFirst(), "the container must see the guest kernel");
        assertTrue(lines.contains("from-the-host"), r.describe());
        assertEquals("written\n", OciHarness.read(data.resolve("out")));
        assertEquals(List.of(), OciHarness.awaitClean(OciHarness.read(cidFile).strip(), OciHarness.DEFAULT_ROOT, 30_000));
    }

    @Test
    void detachedContainerShowsInPsTakesExecStopsAndIsRemoved() throws Exception {
        Containerd.Result run = OciHarness.run(VM, runArgs("-d", IMAGE, "sh", "-c",
                "trap '' TERM; echo up; while true; do sleep 1; done"));
        assertEquals(0, run.exit(), run.describe());
        String cid = run.out().strip();
        try {
            Containerd.Result ps = podman(Duration.ofSeconds(60), "ps", "--no-trunc", "--format", "{{.ID}} {{.Status}}");
            assertTrue(ps.out().contains(cid + " Up"), ps.describe());
            Containerd.Result exec = podman(Duration.ofMinutes(2), "exec", cid, "sh", "-c", "echo in-exec; exit 3");
            assertEquals(3, exec.exit(), exec.describe());
            assertTrue(exec.out().contains("in-exec"), exec.describe());
            // with ps(1) options podman runs ps in the container (through exec): the guest's view
            Containerd.Result top = podman(Duration.ofMinutes(2), "top", cid, "--", "-o pid,args");
            assertEquals(0, top.exit(), top.describe());
            assertTrue(top.out().lines().anyMatch(l -> l.strip().startsWith("1 ") && l.contains("while true")),
                    "the container's init is pid 1 of its own processes: " + top.describe());
            assertFalse(top.out().contains("qemu-system") || top.out().contains("oci-daemon"), top.describe());
            // with its own descriptors podman reads /proc through the pid-file process, which has a
            // pid namespace and /proc of its own: only that stand-in shows, no host process
            Containerd.Result psgo = podman(Duration.ofMinutes(2), "top", cid, "pid", "args");
            assertEquals(0, psgo.exit(), psgo.describe());
            assertFalse(psgo.out().contains("qemu-system") || psgo.out().contains("conmon")
                    || psgo.out().contains("oci-daemon"), "no host process in podman top: " + psgo.describe());
            Containerd.Result runtimePs = OciHarness.run(Duration.ofMinutes(2), OciHarness.RUNTIME.toString(), "ps", cid);
            assertEquals(0, runtimePs.exit(), runtimePs.describe());
            assertTrue(runtimePs.out().contains("while true") && !runtimePs.out().contains("qemu-system"),
                    "kata-runtime ps lists the container's processes: " + runtimePs.describe());
            long t0 = System.nanoTime();
            Containerd.Result stop = podman(Duration.ofMinutes(2), "stop", "-t", "3", cid);
            long stopMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, stop.exit(), stop.describe());
            assertTrue(stopMs >= 3000, "SIGTERM is ignored, so stop must wait for its timeout before SIGKILL: " + stopMs);
            Containerd.Result state = podman(Duration.ofSeconds(60), "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", cid);
            assertEquals("exited 137", state.out().strip(), state.describe());
            Containerd.Result gone = podman(Duration.ofSeconds(60), "ps", "--no-trunc", "--format", "{{.ID}}");
            assertFalse(gone.out().contains(cid), gone.describe());
            Containerd.Result rm = podman(Duration.ofMinutes(1), "rm", cid);
            assertEquals(0, rm.exit(), rm.describe());
            assertEquals(List.of(), OciHarness.awaitClean(cid, OciHarness.DEFAULT_ROOT, 30_000));
        } finally {
            podman(Duration.ofMinutes(1), "rm", "--force", cid);
            OciHarness.forceClean(cid, OciHarness.DEFAULT_ROOT);
        }
    }

    @Test
    void interactiveTerminalTakesTypedInput() throws Exception {
        OciHarness.require(Files.isExecutable(Path.of("/usr/bin/script")), "/usr/bin/script (bsdutils)");
        Path cidFile = work.resolve("it.cid");
        String cmd = String.join(" ", runArgs("-it", "--rm", "--cidfile", cidFile.toString(), IMAGE, "sh"));
        Process p = new ProcessBuilder("script", "-qfec", cmd, "/dev/null").redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = Thread.ofPlatform().start(() -> copy(p.getInputStream(), out));
        try {
            OutputStream in = p.getOutputStream();
            in.write("echo typed-$((6*7))\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            long deadline = System.currentTimeMillis() + VM.toMillis();
            while (!out.toString(StandardCharsets.UTF_8).contains("typed-42") && System.currentTimeMillis() < deadline
                    && p.isAlive()) {
                Thread.sleep(200);
            }
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("typed-42"), out.toString(StandardCharsets.UTF_8));
            in.write("exit 4\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), "podman run -it ends after exit");
            assertEquals(4, p.exitValue(), out.toString(StandardCharsets.UTF_8));
            reader.join(5000);
            assertEquals(List.of(), OciHarness.awaitClean(OciHarness.read(cidFile).strip(), OciHarness.DEFAULT_ROOT, 30_000));
        } finally {
            p.destroyForcibly();
            if (Files.exists(cidFile)) {
                String cid = OciHarness.read(cidFile).strip();
                podman(Duration.ofMinutes(1), "rm", "--force", cid);
                OciHarness.forceClean(cid, OciHarness.DEFAULT_ROOT);
            }
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (out) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // process ended
        }
    }
}
