package dev.jkata.tests.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.tests.containerd.Containerd;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * drives kata-runtime as it drives runc. Uses Debian's {@code /usr/bin/docker} client. Docker's
 * default bridge network is a bridge this test makes ({@value #BRIDGE}, {@value #BRIDGE_IP}/24; no
 * iptables, published ports through docker-proxy): dockerd wires each container's veth through
 * its {@code libnetwork-setkey} prestart hook, which kata-runtime runs on the host.
 */
class DockerIT {

    private static final Duration VM = Duration.ofMinutes(4);
    private static final String DOCKER = "/usr/bin/docker";
    private static final String BRIDGE = "jkd0";
    private static final String BRIDGE_IP = "10.213.7.1";
    private static boolean bridgeMade;
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
        makeBridge();
        socket = work.resolve("d.sock");
        execRoot = work.resolve("e");
        ProcessBuilder pb = new ProcessBuilder("/usr/sbin/dockerd", "--data-root", work.resolve("data").toString(),
                "--exec-root", execRoot.toString(), "--pidfile", work.resolve("dockerd.pid").toString(),
                "-H", "unix://" + socket, "--iptables=false", "--ip6tables=false", "--bridge=" + BRIDGE, "--ip-masq=false",
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
        if (bridgeMade) {
            OciHarness.run(Duration.ofSeconds(20), "ip", "link", "delete", BRIDGE);
        }
        if (work != null) {
            OciHarness.removeTree(work);
        }
    }

    /** The bridge dockerd's default network uses (docker would make docker0 otherwise, maybe clashing with another). */
    private static void makeBridge() throws IOException, InterruptedException {
        OciHarness.run(Duration.ofSeconds(20), "ip", "link", "delete", BRIDGE); // a leftover of a killed run
        for (List<String> cmd : List.of(List.of("ip", "link", "add", BRIDGE, "type", "bridge"),
                List.of("ip", "addr", "add", BRIDGE_IP + "/24", "dev", BRIDGE), List.of("ip", "link", "set", BRIDGE, "up"))) {
            Containerd.Result r = OciHarness.run(Duration.ofSeconds(20), cmd);
            assertEquals(0, r.exit(), r.describe());
            bridgeMade = true;
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
            // docker top filters the host's ps -ef by the pids of `kata-runtime ps --format json`:
            // the pid-file process (host pids, docs/oci-cli.md), no other host process
            Containerd.Result top = docker(Duration.ofMinutes(1), "top", cid);
            assertEquals(0, top.exit(), top.describe());
            assertTrue(top.out().contains("read c; exit"), top.describe());
            assertFalse(top.out().contains("qemu-system") || top.out().contains("dockerd"), top.describe());
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

    @Test
    void defaultBridgeReachesAServerOnTheHostBridge() throws Exception {
        Path www = Files.createDirectories(work.resolve("host-www"));
        Files.writeString(www.resolve("index.html"), "served-by-the-host-to-a-kata-container\n");
        int port = freePort(18090);
        Process httpd = new ProcessBuilder("/bin/busybox", "httpd", "-f", "-p", BRIDGE_IP + ":" + port, "-h", www.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("host-httpd.log").toFile()).start();
        Path cidFile = work.resolve("net.cid");
        try {
            Containerd.Result r = docker(VM, "run", "--runtime", "kata", "--rm", "--cidfile", cidFile.toString(),
                    "bb:latest", "sh", "-c", "ip -o -4 addr show eth0; wget -qO- http://" + BRIDGE_IP + ":" + port + "/");
            assertEquals(0, r.exit(), r.describe());
            assertTrue(r.out().contains("served-by-the-host-to-a-kata-container"), r.describe());
            assertTrue(r.out().contains("inet 10.213.7."), "docker's address on the guest's eth0: " + r.describe());
            assertEquals(List.of(), OciHarness.awaitClean(OciHarness.read(cidFile).strip(), kataRoot(), 30_000));
        } finally {
            httpd.destroy();
            httpd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void publishedPortReachesHttpdInTheGuest() throws Exception {
        int port = freePort(18081);
        Containerd.Result run = docker(VM, "run", "-d", "--runtime", "kata", "-p", port + ":80", "bb:latest",
                "sh", "-c", "mkdir -p /w && echo served-by-kata-through-docker > /w/index.html && exec httpd -f -p 80 -h /w");
        assertEquals(0, run.exit(), run.describe());
        String cid = run.out().strip();
        try {
            HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(10)).build();
            String body = null;
            Exception last = null;
            long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (body == null && System.nanoTime() < end) {
                try {
                    HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        body = r.body();
                    } else {
                        Thread.sleep(500);
                    }
                } catch (IOException e) {
                    last = e;
                    Thread.sleep(500);
                }
            }
            assertEquals("served-by-kata-through-docker\n", body, "127.0.0.1:" + port + " -> docker-proxy -> guest httpd; last "
                    + last);
            Containerd.Result rm = docker(Duration.ofMinutes(2), "rm", "-f", cid);
            assertEquals(0, rm.exit(), rm.describe());
            assertEquals(List.of(), OciHarness.awaitClean(cid, kataRoot(), 30_000));
        } finally {
            docker(Duration.ofMinutes(1), "rm", "-f", cid);
            OciHarness.forceClean(cid, kataRoot());
        }
    }

    /** {@code preferred} as the task says, or a free port when something else holds it. */
    private static int freePort(int preferred) throws IOException {
        try (ServerSocket s = new ServerSocket(preferred)) {
            return preferred;
        } catch (IOException busy) {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }
    }
}
