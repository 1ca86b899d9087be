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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Debian's dockerd 20.10, started by hand with its own directories, a containerd this test
 * starts, and {@code --add-runtime kata=/opt/kata/bin/kata-runtime}; containerd-shim-runc-v2
 * drives kata-runtime as it drives runc. Uses Debian's {@code /usr/bin/docker} client.
 */
class DockerIT {

    private static final Duration VM = Duration.ofMinutes(4);
    private static final String DOCKER = "/usr/bin/docker";
    private static Path work;
    private static Containerd containerd;
    private static Process dockerd;
    private static Path socket;
    private static Path execRoot;

    @BeforeAll
    static void setUp() throws IOException, InterruptedException {
        OciHarness.requireBasics();
        OciHarness.require(Files.isExecutable(Path.of("/usr/sbin/dockerd")), "/usr/sbin/dockerd (docker.io)");
        OciHarness.require(Files.isExecutable(Path.of(DOCKER)), DOCKER);
        work = Files.createTempDirectory(Path.of("/tmp"), "jkd-");
        Path image = OciHarness.image(work.resolve("img"));
        containerd = Containerd.start(Path.of("/usr/bin"), Map.of());
        socket = work.resolve("d.sock");
        execRoot = work.resolve("e");
        ProcessBuilder pb = new ProcessBuilder("/usr/sbin/dockerd", "--data-root", work.resolve("data").toString(),
                "--exec-root", execRoot.toString(), "--pidfile", work.resolve("dockerd.pid").toString(),
                "-H", "unix://" + socket, "--iptables=false", "--ip6tables=false", "--bridge=none", "--ip-masq=false",
                "--containerd", containerd.socket().toString(), "--add-runtime", "kata=" + OciHarness.RUNTIME);
        pb.redirectErrorStream(true).redirectOutput(work.resolve("dockerd.log").toFile());
        dockerd = pb.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (docker(Duration.ofSeconds(10), "info").exit() != 0) {
            if (!dockerd.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IOException("dockerd did not come up: " + OciHarness.read(work.resolve("dockerd.log")));
            }
            Thread.sleep(250);
        }
        Containerd.Result load = docker(Duration.ofMinutes(2), "load", "-i", image.resolve("bb-docker.tar").toString());
        assertEquals(0, load.exit(), load.describe());
    }

    @AfterAll
    static void tearDown() throws IOException, InterruptedException {
        if (dockerd != null) {
            Containerd.Result ids = docker(Duration.ofSeconds(30), "ps", "-aq");
            for (String id : ids.out().lines().toList()) {
                docker(Duration.ofMinutes(1), "rm", "-f", id);
            }
            dockerd.destroy();
            if (!dockerd.waitFor(30, TimeUnit.SECONDS)) {
                dockerd.destroyForcibly();
                dockerd.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (containerd != null) {
            containerd.close();
        }
        if (work != null) {
            OciHarness.removeTree(work);
        }
    }

    private static Containerd.Result docker(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(DOCKER, "-H", "unix://" + socket));
        cmd.addAll(List.of(args));
        return OciHarness.run(timeout, cmd);
    }

    /** The --root containerd-shim-runc-v2 gives kata-runtime: {@code <exec-root>/runtime-<name>/moby}. */
    private static Path kataRoot() throws IOException {
        if (Files.isDirectory(execRoot)) {
            try (Stream<Path> s = Files.walk(execRoot, 3)) {
                for (Path p : s.toList()) {
                    if (p.getFileName().toString().equals("moby") && p.getParent().getFileName().toString().startsWith("runtime-")) {
                        return p;
                    }
                }
            }
        }
        return execRoot.resolve("runtime-runc/moby");
    }

    @Test
    void runRmPrintsTheGuestKernelAndExitsWithTheCode() throws Exception {
        Path cidFile = work.resolve("rm.cid");
        Containerd.Result r = docker(VM, "run", "--runtime", "kata", "--rm", "--cidfile", cidFile.toString(),
                "--network", "none", "bb:latest",
                "sh", "-c", "uname -r; echo err-line >&2; exit 5");
        assertEquals(5, r.exit(), r.describe());
        String kernel = r.out().lines().findFirst().orElse("");
        assertFalse(kernel.isBlank(), r.describe());
        assertNotEquals(OciHarness.hostKernel(), kernel, "the container must see the guest kernel");
        assertTrue(r.err().contains("err-line"), r.describe());
        assertEquals(List.of(), OciHarness.awaitClean(OciHarness.read(cidFile).strip(), kataRoot(), 30_000));
    }

    @Test
    void detachedContainerTakesExecAndStops() throws Exception {
        Containerd.Result run = docker(VM, "run", "--runtime", "kata", "-d", "--network", "none", "bb:latest",
                "sh", "-c", "trap 'exit 0' TERM; echo up; while true; do sleep 1; done");
        assertEquals(0, run.exit(), run.describe());
        String cid = run.out().strip();
        try {
            Containerd.Result exec = docker(Duration.ofMinutes(2), "exec", cid, "sh", "-c", "echo in-exec; uname -r; exit 3");
            assertEquals(3, exec.exit(), exec.describe());
            assertTrue(exec.out().contains("in-exec"), exec.describe());
            Containerd.Result stop = docker(Duration.ofMinutes(2), "stop", "-t", "20", cid);
            assertEquals(0, stop.exit(), stop.describe());
            Containerd.Result state = docker(Duration.ofSeconds(30), "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", cid);
            assertEquals("exited 0", state.out().strip(), "SIGTERM reached the trap: " + state.describe());
            Containerd.Result logs = docker(Duration.ofSeconds(30), "logs", cid);
            assertTrue(logs.out().contains("up"), logs.describe());
            Containerd.Result rm = docker(Duration.ofMinutes(1), "rm", cid);
            assertEquals(0, rm.exit(), rm.describe());
            assertEquals(List.of(), OciHarness.awaitClean(cid, kataRoot(), 30_000));
        } finally {
            docker(Duration.ofMinutes(1), "rm", "-f", cid);
            OciHarness.forceClean(cid, kataRoot());
        }
    }
}
