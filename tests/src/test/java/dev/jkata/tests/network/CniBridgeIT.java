package dev.jkata.tests.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.runtime.config.KataConfig;
import dev.jkata.runtime.network.NetworkSpec;
import dev.jkata.runtime.oci.OciBundle;
import dev.jkata.runtime.sandbox.Container;
import dev.jkata.runtime.sandbox.ExitStatus;
import dev.jkata.runtime.sandbox.Sandbox;
import dev.jkata.tests.containerd.Containerd;
import dev.jkata.tests.sandbox.Cleanups;
import dev.jkata.tests.sandbox.GuestAssets;
import dev.jkata.tests.sandbox.SandboxFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The namespace made as containerd's CRI makes it: Debian's CNI bridge + host-local plugins (ADD before
 * the sandbox, DEL after), a bridge on the host as the pod's gateway. The guest gets the CNI address
 * and default route, pings the gateway, and its httpd answers the host through the bridge.
 */
class CniBridgeIT {

    private static final Path CNI = Path.of("/usr/lib/cni");

    @TempDir
    Path tmp;

    @AutoClose
    private final Cleanups cleanups = new Cleanups();

    @Test
    void bridgePluginNamespaceIsPlumbedToTheGuest() throws Exception {
        GuestAssets assets = GuestAssets.requireNetworking();
        if (!Files.isExecutable(CNI.resolve("bridge")) || !Files.isExecutable(CNI.resolve("host-local"))) {
            GuestAssets.missing(CNI + "/{bridge,host-local} (Debian package containernetworking-plugins)");
        }
        String tag = Long.toHexString(ThreadLocalRandom.current().nextLong(0x100000, 0xffffff));
        String netnsName = "jkt-cni-" + tag;
        String bridge = "jkb" + tag;
        int subnet = TestNetns.freeSubnet("10.201.");
        String gateway = "10.201." + subnet + ".1";
        TestNetns.run("ip", "netns", "add", netnsName);
        Path netns = Path.of("/var/run/netns", netnsName);
        cleanups.add(() -> TestNetns.run("ip", "netns", "del", netnsName));
        cleanups.add(() -> {
            if (TestNetns.run("ip", "-o", "link", "show").contains(" " + bridge + ":")) {
                TestNetns.run("ip", "link", "del", bridge);
            }
        });
        String conf = """
                {"cniVersion": "0.4.0", "name": "jkt-%s", "type": "bridge", "bridge": "%s", "isGateway": true,
                 "ipMasq": false, "hairpinMode": true,
                 "ipam": {"type": "host-local", "dataDir": "%s", "subnet": "10.201.%d.0/24",
                          "routes": [{"dst": "0.0.0.0/0"}]}}
                """.formatted(tag, bridge, tmp.resolve("ipam"), subnet);
        String containerId = "jkt" + tag;
        Containerd.Result add = cni("ADD", containerId, netns, conf);
        assertEquals(0, add.exit(), add.describe());
        cleanups.add(() -> cni("DEL", containerId, netns, conf));
        Matcher m = Pattern.compile("\"address\":\\s*\"(10\\.201\\.\\d+\\.\\d+)/24\"").matcher(add.out());
        assertTrue(m.find(), "CNI ADD result with an address: " + add.out());
        String podIp = m.group(1);

        Path rootfs = NetBundle.rootfs(tmp.resolve("image"), "cni-pod-page\n");
        Path bundle1 = NetBundle.write(tmp.resolve("b1"), rootfs, List.of("/bin/sh", "-c",
                "ip addr show eth0; ip route; ping -c 1 -W 20 " + gateway + " && echo PING-OK"), netns);
        OciBundle oci1 = OciBundle.load(bundle1);
        String id = "cni-it-" + tag;
        Sandbox sandbox = SandboxFixture.start(cleanups, id, SandboxFixture.config(assets, tmp), "cni-it",
                NetworkSpec.from(KataConfig.defaults().runtime(), oci1.spec()));

        Container c1 = sandbox.createContainer("c1", oci1, List.of());
        var out = new java.util.concurrent.CompletableFuture<String>();
        Thread.ofVirtual().start(() -> {
            try {
                out.complete(new String(c1.init().stdout().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.completeExceptionally(e);
            }
        });
        c1.start();
        ExitStatus exit = c1.init().exited().get(120, TimeUnit.SECONDS);
        String stdout = out.get(30, TimeUnit.SECONDS);
        System.out.println("CNI pod container:\n" + stdout);
        assertEquals(0, exit.code(), stdout);
        assertTrue(stdout.contains("inet " + podIp + "/24"), stdout);
        assertTrue(stdout.contains("default via " + gateway), stdout);
        assertTrue(stdout.contains("PING-OK"), stdout);
        c1.remove();

        Container c2 = sandbox.createContainer("c2", OciBundle.load(NetBundle.write(tmp.resolve("b2"), rootfs,
                List.of("/bin/httpd", "-f", "-p", "80", "-h", "/www"), netns)), List.of());
        c2.start();
        HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://" + podIp + "/index.html"))
                .timeout(Duration.ofSeconds(10)).build();
        String body = null;
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (body == null && System.nanoTime() < end) {
            try {
                body = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                Thread.sleep(500);
            }
        }
        assertEquals("cni-pod-page\n", body, "the host reaches the pod through the CNI bridge");

        sandbox.stop();
        String links = TestNetns.run("ip", "netns", "exec", netnsName, "ip", "-o", "link", "show");
        assertFalse(links.contains("tap0_kata"), links);
        assertFalse(TestNetns.run("ip", "netns", "exec", netnsName, "tc", "qdisc", "show", "dev", "eth0")
                .contains("ingress"));
    }

    private Containerd.Result cni(String command, String containerId, Path netns, String conf)
            throws IOException, InterruptedException {
        List<String> cmd = List.of("env", "CNI_COMMAND=" + command, "CNI_CONTAINERID=" + containerId,
                "CNI_NETNS=" + netns, "CNI_IFNAME=eth0", "CNI_PATH=" + CNI, CNI.resolve("bridge").toString());
        return Containerd.run(cmd, Duration.ofSeconds(60), conf.getBytes(StandardCharsets.UTF_8));
    }
}
