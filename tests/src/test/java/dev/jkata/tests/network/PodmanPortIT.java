package dev.jkata.tests.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jkata.tests.containerd.Containerd;
import dev.jkata.tests.sandbox.GuestAssets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * podman (netavark bridge networking) with {@code --runtime /opt/kata/bin/kata-runtime} and
 * {@code -p 127.0.0.1:18080:80}: podman makes the netns with a veth and names it in config.json,
 * kata-runtime plumbs it to the VM with tcfilter, busybox httpd in the guest answers on the host port.
 * Private podman roots; the netavark iptables chains it leaves are removed afterwards.
 */
class PodmanPortIT {

    private static final Path RUNTIME = Path.of("/opt/kata/bin/kata-runtime");
    private static final String IMAGE = "docker.io/library/bb:latest";

    private Path work;
    private List<String> podman;
    private boolean natChainsBefore;

    @AfterEach
    void cleanUp() throws Exception {
        if (work == null) {
            return;
        }
        podman(Duration.ofMinutes(2), "rm", "--all", "--force");
        podman(Duration.ofMinutes(1), "unmount", "--all");
        if (!natChainsBefore) {
            removeNetavarkChains();
        }
        try (Stream<Path> s = Files.walk(work)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("PodmanPortIT: removing " + work + ": " + e);
        }
    }

    @Test
    void publishedPortReachesBusyboxHttpdInTheGuest() throws Exception {
        GuestAssets.requireNetworking();
        if (!Files.isExecutable(Path.of("/usr/bin/podman"))) {
            GuestAssets.missing("/usr/bin/podman (Debian package podman)");
        }
        if (!Files.isExecutable(RUNTIME)) {
            GuestAssets.missing(RUNTIME + " (install with scripts/install-opt-kata.sh)");
        }
        Path script = GuestAssets.repoRoot().resolve("tests/images/build-busybox-image.sh");
        if (!Files.isRegularFile(script)) {
            GuestAssets.missing(script.toString());
        }
        natChainsBefore = run(Duration.ofSeconds(30), List.of("iptables-save", "-t", "nat")).out()
                .contains("NETAVARK");
        work = Files.createTempDirectory(Path.of("/tmp"), "jkata-podman-net-");
        Containerd.Result img = run(Duration.ofMinutes(5), List.of("bash", script.toString(),
                work.resolve("img").toString()));
        assertEquals(0, img.exit(), img.describe());
        podman = List.of("podman", "--root", work.resolve("root").toString(), "--runroot",
                work.resolve("runroot").toString(), "--tmpdir", work.resolve("tmp").toString(), "--cgroup-manager",
                "cgroupfs", "--events-backend", "file", "--runtime", RUNTIME.toString());
        Containerd.Result load = podman(Duration.ofMinutes(2), "load", "-i",
                work.resolve("img/bb-docker.tar").toString());
        assertEquals(0, load.exit(), load.describe());
        Path www = Files.createDirectories(work.resolve("www"));
        Files.writeString(www.resolve("index.html"), "served-by-kata-through-podman\n");
        int port = hostPort();

        Containerd.Result run = podman(Duration.ofMinutes(4), "run", "-d", "--ulimit", "nofile=1024:1024",
                "--ulimit", "nproc=1024:1024", "-p", "127.0.0.1:" + port + ":80", "-v", www + ":/www", IMAGE,
                "httpd", "-f", "-p", "80", "-h", "/www");
        assertEquals(0, run.exit(), run.describe());
        String cid = run.out().strip();
        String netns = podman(Duration.ofSeconds(30), "inspect", "-f", "{{.NetworkSettings.SandboxKey}}", cid)
                .out().strip();
        assertTrue(netns.startsWith("/"), "podman's netns path: " + netns);
        String links = run(Duration.ofSeconds(30), List.of("nsenter", "--net=" + netns, "ip", "-o", "link")).out();
        assertTrue(links.contains("tap0_kata"), "tap0_kata in podman's netns:\n" + links);
        List<Long> qemu = qemuFor(cid);
        assertEquals(1, qemu.size(), "one QEMU for the container: " + qemu);

        HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html"))
                .timeout(Duration.ofSeconds(10)).build();
        String body = null;
        Exception last = null;
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (body == null && System.nanoTime() < end) {
            try {
                HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    body = r.body();
                }
            } catch (IOException e) {
                last = e;
                Thread.sleep(500);
            }
        }
        assertEquals("served-by-kata-through-podman\n", body, "127.0.0.1:" + port + " -> guest httpd; last " + last);

        Containerd.Result rm = podman(Duration.ofMinutes(2), "rm", "--force", "--time", "2", cid);
        assertEquals(0, rm.exit(), rm.describe());
        for (long pid : qemu) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "QEMU " + pid + " left");
        }
        assertFalse(Files.exists(Path.of(netns)), "podman removed its netns " + netns);
    }

    private static List<Long> qemuFor(String cid) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains("qemu-system") && c.contains(cid)).orElse(false))
                .map(ProcessHandle::pid).toList();
    }

    /** 18080 as the issue says, or a free port when something else holds it. */
    private static int hostPort() throws IOException {
        try (ServerSocket s = new ServerSocket(18080, 1, InetAddress.getLoopbackAddress())) {
            return 18080;
        } catch (IOException busy) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }
    }

    private Containerd.Result podman(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(podman);
        cmd.addAll(List.of(args));
        return run(timeout, cmd);
    }

    private static Containerd.Result run(Duration timeout, List<String> cmd) throws IOException, InterruptedException {
        return Containerd.run(cmd, timeout, null);
    }

    /** The chains netavark adds for published ports and leaves behind, with the rules jumping to them. */
    private static void removeNetavarkChains() throws IOException, InterruptedException {
        List<List<String>> cmds = List.of(
                List.of("iptables", "-t", "nat", "-D", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j",
                        "NETAVARK-HOSTPORT-DNAT"),
                List.of("iptables", "-t", "nat", "-D", "OUTPUT", "-m", "addrtype", "--dst-type", "LOCAL", "-j",
                        "NETAVARK-HOSTPORT-DNAT"),
                List.of("iptables", "-t", "nat", "-D", "POSTROUTING", "-j", "NETAVARK-HOSTPORT-MASQ"),
                List.of("iptables", "-D", "FORWARD", "-m", "comment", "--comment", "netavark firewall plugin rules",
                        "-j", "NETAVARK_FORWARD"));
        for (List<String> c : cmds) {
            run(Duration.ofSeconds(10), c);
        }
        for (String chain : List.of("NETAVARK-HOSTPORT-DNAT", "NETAVARK-HOSTPORT-MASQ", "NETAVARK-HOSTPORT-SETMARK")) {
            run(Duration.ofSeconds(10), List.of("iptables", "-t", "nat", "-F", chain));
            run(Duration.ofSeconds(10), List.of("iptables", "-t", "nat", "-X", chain));
        }
        run(Duration.ofSeconds(10), List.of("iptables", "-F", "NETAVARK_FORWARD"));
        run(Duration.ofSeconds(10), List.of("iptables", "-X", "NETAVARK_FORWARD"));
        String left = run(Duration.ofSeconds(10), List.of("iptables-save")).out();
        if (left.contains("NETAVARK")) {
            fail("netavark iptables rules left behind:\n" + left);
        }
    }
}
