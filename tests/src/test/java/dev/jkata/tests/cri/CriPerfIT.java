package dev.jkata.tests.cri;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * HTTP from the host to busybox httpd in a CRI pod, the same pod once with handler kata-qemu and once
 * with runc (the handler kata-deploy keeps as containerd's default), both on the same CNI bridge: latency
 * of a small page and throughput of a 10 MiB file. Asserts only that every response has the right
 * bytes; prints the numbers and appends them to {@code tests/target/cri-perf.txt}. Under TCG the kata
 * numbers measure QEMU's emulation, not what KVM would give.
 */
class CriPerfIT {
    static final int SMALL_REQUESTS = 40;
    static final int BIG_REQUESTS = 4;

    @AutoClose
    private CriFixture fx;

    record Numbers(String handler, Duration podStart, double latencyMedianMs, double latencyP90Ms,
            double mibPerSecondBest, double mibPerSecondMedian) {
        String line() {
            return String.format("%-9s pod start %5.1f s | small GET median %7.2f ms, p90 %7.2f ms | 10 MiB GET best %7.1f MiB/s, median %7.1f MiB/s",
                    handler, podStart.toMillis() / 1000.0, latencyMedianMs, latencyP90Ms, mibPerSecondBest,
                    mibPerSecondMedian);
        }
    }

    @Test
    void httpToThePodOnKataNextToRunc() throws Exception {
        fx = CriFixture.start(Map.of());
        List<Numbers> all = new ArrayList<>();
        for (String handler : List.of(CriContainerd.HANDLER, "runc")) {
            all.add(measure(handler));
        }
        StringBuilder note = new StringBuilder("# CriPerfIT " + Instant.now() + " (host -> busybox httpd in a CRI pod, "
                + "bridge " + fx.containerd().network().bridge() + ")\n");
        all.forEach(n -> note.append(n.line()).append('\n'));
        System.out.print(note);
        Path out = CriImages.repo().resolve("tests/target/cri-perf.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, note, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private Numbers measure(String handler) throws Exception {
        long t0 = System.nanoTime();
        CriFixture.Pod pod = fx.runPod("jkperf-" + handler, handler, b -> b);
        String web = fx.start(pod, PodSpecs.shell("web", "mkdir -p /www && echo small > /www/small"
                + " && head -c 10485760 /dev/urandom > /www/big && exec httpd -f -p 80 -h /www").build());
        Duration start = Duration.ofNanos(System.nanoTime() - t0);
        String base = "http://" + pod.ip() + ":80/";
        CriPodIT.httpGetWithRetry(base + "small", Duration.ofSeconds(90));
        CriClient.Exec sum = fx.cri().execSync(web, 120, "sha256sum", "/www/big");
        assertEquals(0, sum.exit(), sum.describe());
        byte[] expected = HexFormat.of().parseHex(sum.out().strip().split("\\s+")[0]);

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < SMALL_REQUESTS; i++) {
            long s = System.nanoTime();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "small"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            latencies.add((System.nanoTime() - s) / 1e6);
            assertEquals("small\n", r.body(), handler + ": small page");
        }
        List<Double> rates = new ArrayList<>();
        for (int i = 0; i < BIG_REQUESTS; i++) {
            long s = System.nanoTime();
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(base + "big"))
                    .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofByteArray());
            double seconds = (System.nanoTime() - s) / 1e9;
            assertEquals(10 << 20, r.body().length, handler + ": size of the 10 MiB file");
            assertArrayEquals(expected, MessageDigest.getInstance("SHA-256").digest(r.body()),
                    handler + ": content of the 10 MiB file");
            rates.add(10 / seconds);
        }
        CriFixture.assertNoLeaks(fx.removeAndCollectLeaks(pod), pod);
        latencies.sort(null);
        rates.sort(null);
        return new Numbers(handler, start, latencies.get(latencies.size() / 2),
                latencies.get((int) (latencies.size() * 0.9)), rates.get(rates.size() - 1), rates.get(rates.size() / 2));
    }

}
