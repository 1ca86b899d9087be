package dev.jkata.tests.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jkata.runtime.config.KataConfig;
import dev.jkata.runtime.network.NetworkSpec;
import dev.jkata.runtime.oci.OciBundle;
import dev.jkata.runtime.sandbox.Container;
import dev.jkata.runtime.sandbox.Sandbox;
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
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures HTTP to busybox httpd in a jkata pod (tcfilter, virtio-net, TCG here) next to the same
 * httpd on the host data path runc uses (a process in a netns behind a veth): request latency of a
 * small page and throughput of a 10 MiB file. Asserts only that both serve the right bytes; prints
 * the numbers and appends them to {@code target/network-perf.txt}.
 */
class PodNetworkPerfIT {

    private static final int BIG = 10 * 1024 * 1024;
    private static final int LATENCY_RUNS = 30;
    private static final int BIG_RUNS = 3;

    @TempDir
    Path tmp;

    @AutoClose
    private final Cleanups cleanups = new Cleanups();

    record Numbers(double medianLatencyMs, double bestMiBps) {
    }

    @Test
    void httpLatencyAndThroughputKataNextToTheHostDataPath() throws Exception {
        GuestAssets assets = GuestAssets.requireNetworking();
        byte[] big = new byte[BIG];
        new Random(42).nextBytes(big);
        Path rootfs = NetBundle.rootfs(tmp.resolve("image"), "small-page\n");
        Files.write(rootfs.resolve("www/big.bin"), big);

        // the runc data path: httpd as a plain process in a netns behind a veth
        TestNetns plain = TestNetns.create();
        cleanups.add(plain);
        Process httpd = new ProcessBuilder("ip", "netns", "exec", plain.name, "/bin/busybox", "httpd", "-f",
                "-p", "80", "-h", rootfs.resolve("www").toString()).redirectErrorStream(true).start();
        cleanups.add(() -> {
            httpd.destroyForcibly();
            httpd.waitFor();
        });
        Numbers host = measure(plain.podIp(), big);

        // the same in a jkata pod
        TestNetns ns = TestNetns.create();
        cleanups.add(ns);
        String id = "net-perf-" + ns.name.substring(ns.name.length() - 6);
        Path bundle = NetBundle.write(tmp.resolve("bundle"), rootfs, List.of("/bin/httpd", "-f", "-p", "80", "-h", "/www"),
                ns.path);
        OciBundle oci = OciBundle.load(bundle);
        Sandbox sandbox = SandboxFixture.start(cleanups, id, SandboxFixture.config(assets, tmp), "net-perf",
                NetworkSpec.from(KataConfig.defaults().runtime(), oci.spec()));
        Container c = sandbox.createContainer("httpd", oci, List.of());
        c.start();
        Numbers pod = measure(ns.podIp(), big);

        String line = String.format("%s jkata %s (%s, 1 vCPU): latency median %.2f ms, 10 MiB best %.1f MiB/s"
                        + " | host netns+veth (runc data path): latency median %.2f ms, 10 MiB best %.1f MiB/s%n",
                Instant.now(), sandbox.vm().accelerator(), "virtio-net + tc mirred, rootfs on virtio-fs",
                pod.medianLatencyMs(), pod.bestMiBps(), host.medianLatencyMs(), host.bestMiBps());
        System.out.print(line);
        Files.writeString(Path.of("target/network-perf.txt"), line, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static Numbers measure(String ip, byte[] big) throws Exception {
        HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest small = HttpRequest.newBuilder(URI.create("http://" + ip + "/index.html"))
                .timeout(Duration.ofSeconds(10)).build();
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                HttpResponse<String> r = http.send(small, HttpResponse.BodyHandlers.ofString());
                assertEquals("small-page\n", r.body());
                break;
            } catch (IOException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
        double[] lat = new double[LATENCY_RUNS];
        for (int i = 0; i < LATENCY_RUNS; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(small, HttpResponse.BodyHandlers.ofString());
            lat[i] = (System.nanoTime() - t0) / 1e6;
            assertEquals(200, r.statusCode());
        }
        Arrays.sort(lat);
        HttpRequest bigGet = HttpRequest.newBuilder(URI.create("http://" + ip + "/big.bin"))
                .timeout(Duration.ofSeconds(120)).build();
        double best = 0;
        for (int i = 0; i < BIG_RUNS; i++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = http.send(bigGet, HttpResponse.BodyHandlers.ofByteArray());
            double s = (System.nanoTime() - t0) / 1e9;
            assertEquals(BIG, r.body().length);
            assertEquals(Arrays.hashCode(big), Arrays.hashCode(r.body()), "the 10 MiB file arrives intact");
            best = Math.max(best, BIG / 1048576.0 / s);
        }
        return new Numbers(lat[LATENCY_RUNS / 2], best);
    }
}
