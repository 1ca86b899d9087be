package dev.jkata.tests.network;

import static dev.jkata.tests.sandbox.SandboxFixture.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.jkata.runtime.agent.ConsoleTail;
import dev.jkata.runtime.config.KataConfig;
import dev.jkata.runtime.network.NetworkSpec;
import dev.jkata.runtime.oci.OciBundle;
import dev.jkata.runtime.sandbox.Container;
import dev.jkata.runtime.sandbox.ExitStatus;
import dev.jkata.runtime.sandbox.Sandbox;
import dev.jkata.tests.sandbox.Cleanups;
import dev.jkata.tests.sandbox.GuestAssets;
import dev.jkata.tests.sandbox.SandboxFixture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pod networking end to end (internetworking_model = "tcfilter"): a network namespace with a veth made
 * here as CNI would, a sandbox whose spec names it (real QEMU started inside it through nsenter, the
 * project's guest with the Java agent and crun), busybox containers that ping and fetch from the host
 * and serve HTTP to it. Needs root.
 */
class PodNetworkIT {

    @TempDir
    Path tmp;

    @AutoClose
    private final Cleanups cleanups = new Cleanups();

    @Test
    void containerHasThePodAddressReachesTheHostAndServesHttpToIt() throws Exception {
        GuestAssets assets = GuestAssets.requireNetworking();
        TestNetns ns = TestNetns.create();
        cleanups.add(ns);

        HttpServer hostServer = HttpServer.create(new InetSocketAddress(ns.hostIp(), 0), 0);
        hostServer.createContext("/hello", exchange -> {
            byte[] body = "hello-from-host\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        hostServer.start();
        cleanups.add(() -> hostServer.stop(0));
        int hostPort = hostServer.getAddress().getPort();

        Path rootfs = NetBundle.rootfs(tmp.resolve("image"), "served-from-the-guest\n");
        Path bundle1 = NetBundle.write(tmp.resolve("bundle1"), rootfs, List.of("/bin/sh", "-c",
                "ip addr show eth0; echo ROUTES; ip route; echo NEIGH; ip neigh;"
                        + " ping -c 1 -W 20 " + ns.hostIp() + " && echo PING-OK;"
                        + " wget -q -O - http://" + ns.hostIp() + ":" + hostPort + "/hello; echo WGET=$?"),
                ns.path);
        OciBundle oci1 = OciBundle.load(bundle1);
        NetworkSpec network = NetworkSpec.from(KataConfig.defaults().runtime(), oci1.spec());
        assertEquals(ns.path, network.netns().orElseThrow(), "the spec's network namespace");

        String id = "net-it-" + ns.name.substring(ns.name.length() - 6);
        long t0 = System.nanoTime();
        Sandbox sandbox = SandboxFixture.start(cleanups, id, SandboxFixture.config(assets, tmp), "pod-net-it", network);
        System.out.printf("sandbox with network up in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        long vmPid = sandbox.vm().pid();

        // QEMU runs inside the pod's namespace and the plumbing is there.
        assertEquals(netnsInode(ns), netnsId(Path.of("/proc", Long.toString(vmPid), "ns/net")),
                "QEMU is in the pod's network namespace");
        assertTrue(ns.exec("ip", "-o", "link", "show").contains("tap0_kata"), "tap0_kata exists in the pod netns");
        assertTrue(ns.exec("tc", "qdisc", "show", "dev", "eth0").contains("ingress"), "ingress qdisc on eth0");
        assertTrue(ns.exec("tc", "filter", "show", "dev", "eth0", "parent", "ffff:").contains("tap0_kata"),
                "eth0 redirects to tap0_kata");

        // 1. address, routes, neighbour, ping and HTTP to the host, from a container.
        Container c1 = sandbox.createContainer("c1", oci1, List.of());
        CompletableFuture<String> out1 = readAll(c1.init().stdout());
        CompletableFuture<String> err1 = readAll(c1.init().stderr());
        c1.start();
        ExitStatus exit1 = c1.init().exited().get(120, TimeUnit.SECONDS);
        String stdout = out1.get(30, TimeUnit.SECONDS);
        System.out.println("container c1:\n" + stdout + "\nstderr: " + err1.getNow(""));
        String diag = "stdout:\n" + stdout + "\nstderr:\n" + err1.getNow("?") + "\nconsole:\n"
                + ConsoleTail.of(sandbox.vm().consoleLog(), 4000);
        assertEquals(0, exit1.code(), diag);
        assertTrue(stdout.contains("inet " + ns.podIp() + "/24"), "pod address on the guest's eth0\n" + diag);
        String routes = stdout.substring(stdout.indexOf("ROUTES"), stdout.indexOf("NEIGH"));
        assertTrue(routes.contains("default via " + ns.hostIp()), "default route copied\n" + diag);
        assertTrue(stdout.substring(stdout.indexOf("NEIGH")).contains(ns.neighbourIp()),
                "permanent neighbour copied\n" + diag);
        assertTrue(stdout.contains("PING-OK"), "ping to the host end of the veth\n" + diag);
        assertTrue(stdout.contains("hello-from-host"), "HTTP from the guest to the host\n" + diag);
        assertTrue(stdout.contains("WGET=0"), diag);
        c1.remove();

        // 2. busybox httpd in a container answers the host at the pod address.
        Path bundle2 = NetBundle.write(tmp.resolve("bundle2"), rootfs,
                List.of("/bin/httpd", "-f", "-p", "80", "-h", "/www"), ns.path);
        Container c2 = sandbox.createContainer("c2", OciBundle.load(bundle2), List.of());
        c2.start();
        HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://" + ns.podIp() + "/index.html"))
                .timeout(Duration.ofSeconds(10)).build();
        String body = null;
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Exception last = null;
        while (body == null && System.nanoTime() < end) {
            try {
                HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                body = r.body();
            } catch (IOException e) {
                last = e;
                Thread.sleep(500);
            }
        }
        assertEquals("served-from-the-guest\n", body, "HTTP from the host to the pod address; last error " + last
                + "\nconsole:\n" + ConsoleTail.of(sandbox.vm().consoleLog(), 4000));

        // 3. stop: no QEMU, no tap, no tc on the veth; the pod's own setup is untouched.
        sandbox.stop();
        assertFalse(ProcessHandle.of(vmPid).map(ProcessHandle::isAlive).orElse(false), "QEMU still alive");
        assertFalse(ns.exec("ip", "-o", "link", "show").contains("tap0_kata"), "tap0_kata removed");
        assertFalse(ns.exec("tc", "qdisc", "show", "dev", "eth0").contains("ingress"), "ingress qdisc removed");
        assertTrue(ns.exec("ip", "-o", "addr", "show", "dev", "eth0").contains(ns.podIp() + "/24"),
                "eth0 keeps its address");
    }

    private static String netnsInode(TestNetns ns) throws IOException {
        return Long.toString((Long) Files.getAttribute(ns.path, "unix:ino"));
    }

    /** The inode number of a namespace link ({@code net:[4026532xxx]}). */
    private static String netnsId(Path link) throws IOException {
        String target = Files.readSymbolicLink(link).toString();
        return target.substring(target.indexOf('[') + 1, target.indexOf(']'));
    }
}
