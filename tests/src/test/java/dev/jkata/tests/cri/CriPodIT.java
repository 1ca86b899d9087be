package dev.jkata.tests.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.jkata.tests.containerd.Containerd;
import dev.jkata.tests.cri.api.Cri;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Issue #6's pod through containerd's CRI plugin: a sandbox with runtime handler kata-qemu and two
 * containers is one VM with one pod IP; busybox httpd in one container answers the host at the pod IP
 * and the other container at localhost; a container reaches the host's bridge address; removing the
 * pod leaves no VM, shim, virtiofsd, mounts, netns, taps, bridge ports or IPAM record behind.
 */
class CriPodIT {
    @AutoClose
    private CriFixture fx;

    // no `wget -T`: Debian 12's busybox-static 1.35 wget segfaults with it; ExecSync's timeout bounds wget instead
    @Test
    void twoContainersShareOneVmAndThePodNetwork() throws Exception {
        fx = CriFixture.start(Map.of());
        Cri.VersionResponse v = fx.cri().version();
        assertEquals("containerd", v.getRuntimeName(), v.toString());
        assertEquals("v1", v.getRuntimeApiVersion(), v.toString());

        CriFixture.Pod pod = fx.runPod("jkpod", b -> b);
        String diag = "pod " + pod + "\ncontainerd log:\n" + fx.containerd().log();
        CriContainerd.Network net = fx.containerd().network();
        assertTrue(pod.ip().startsWith(net.prefix()), "pod IP from our CNI bridge network " + net + ": " + diag);
        assertNotNull(pod.netns(), "PodSandboxStatus names the pod's network namespace: " + diag);

        String web = fx.start(pod, PodSpecs.shell("web",
                "mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 80 -h /www").build());
        String peer = fx.start(pod, PodSpecs.shell("peer", PodSpecs.SLEEP_UNTIL_TERM).build());

        List<String> qemu = CriFixture.qemuOf(pod.id());
        assertEquals(1, qemu.size(), "one qemu-system process for the pod: " + qemu);
        List<Cri.Container> listed = fx.cri().listContainers(pod.id());
        assertEquals(2, listed.stream().filter(c -> c.getState() == Cri.ContainerState.CONTAINER_RUNNING).count(),
                "both containers running: " + listed);

        String hostKernel = Files.readString(java.nio.file.Path.of("/proc/sys/kernel/osrelease")).strip();
        CriClient.Exec unameWeb = fx.cri().execSync(web, 60, "uname", "-r");
        CriClient.Exec unamePeer = fx.cri().execSync(peer, 60, "uname", "-r");
        assertEquals(0, unameWeb.exit(), unameWeb.describe());
        assertEquals(0, unamePeer.exit(), unamePeer.describe());
        assertEquals(unameWeb.out().strip(), unamePeer.out().strip(), "both containers run on the same guest kernel");
        assertNotEquals(hostKernel, unameWeb.out().strip(), "the containers run on the guest kernel, not the host's");

        for (String c : List.of(web, peer)) {
            CriClient.Exec addr = fx.cri().execSync(c, 60, "ip", "-4", "-o", "addr", "show");
            assertEquals(0, addr.exit(), addr.describe());
            assertTrue(addr.out().contains("inet " + pod.ip() + "/24"), "container " + c + " has the pod IP "
                    + pod.ip() + ": " + addr.describe());
        }

        String fromHost = httpGetWithRetry("http://" + pod.ip() + ":80/", Duration.ofSeconds(90));
        assertEquals("hello-from-web", fromHost.strip(), "httpd in the pod answers the host at the pod IP");

        CriClient.Exec local = fx.cri().execSync(peer, 60, "wget", "-q", "-O", "-", "http://localhost:80/");
        assertEquals(0, local.exit(), "the other container reaches httpd at localhost: " + local.describe()
                + "\npeer: " + fx.cri().execSync(peer, 60, "sh", "-c",
                        "ip addr; cat /etc/hosts; netstat -ltn; wget -q -O - http://127.0.0.1:80/; echo rc=$?").describe()
                + "\nweb: " + fx.cri().execSync(web, 60, "sh", "-c",
                        "ip addr; netstat -ltn; wget -q -O - http://127.0.0.1:80/; echo rc=$?").describe());
        assertEquals("hello-from-web", local.out().strip(), local.describe());

        HttpServer host = HttpServer.create(new InetSocketAddress(net.gateway(), 0), 0);
        host.createContext("/", ex -> {
            byte[] body = "hello-from-host\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        host.start();
        try {
            String url = "http://" + net.gateway() + ":" + host.getAddress().getPort() + "/";
            CriClient.Exec toHost = fx.cri().execSync(web, 60, "wget", "-q", "-O", "-", url);
            assertEquals(0, toHost.exit(), "a container reaches the host's bridge address " + url + ": "
                    + toHost.describe());
            assertEquals("hello-from-host", toHost.out().strip(), toHost.describe());
        } finally {
            host.stop(0);
        }

        // tcfilter networking while the pod runs: a tap next to the CNI veth, traffic mirrored by ingress filters
        String links = Containerd.run(List.of("nsenter", "--net=" + pod.netns(), "ip", "-o", "link", "show"),
                Duration.ofSeconds(10), null).out();
        assertTrue(links.matches("(?s).*tap\\d+_kata.*"), "a tap in the pod's netns: " + links);
        String filters = Containerd.run(List.of("nsenter", "--net=" + pod.netns(), "tc", "filter", "show", "dev",
                "eth0", "ingress"), Duration.ofSeconds(10), null).out();
        assertTrue(filters.contains("mirred"), "eth0's ingress redirects to the tap: " + filters);

        List<String> left = fx.removeAndCollectLeaks(pod);
        CriFixture.assertNoLeaks(left, pod);
        assertFalse(Containerd.run(List.of("ip", "-o", "link", "show"), Duration.ofSeconds(10), null).out()
                .matches("(?s).*tap\\d+_kata.*"), "no tap device on the host");
    }

    static String httpGetWithRetry(String url, Duration timeout) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return r.body();
                }
                last = new IOException("HTTP " + r.statusCode() + ": " + r.body());
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("GET " + url + " did not succeed within " + timeout + ": " + last, last);
    }
}
