package dev.jkata.tests.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * One containerd per test class with the shim under test on its PATH and KATA_CONF_FILE set to a
 * configuration for the guest assets; after every test, nothing of the test's sandboxes may be left.
 */
abstract class ContainerdItBase {
    static final String RUNTIME = "io.containerd.kata.v2";
    static final Duration RUN = Duration.ofMinutes(3);

    static KataContainerd kata;
    static Path work;
    static Path bin;
    static KataSetup.Assets assets;
    static Path config;
    static Containerd containerd;
    final List<String> ids = new ArrayList<>();

    @BeforeAll
    static void startContainerd() throws Exception {
        kata = KataContainerd.start("jkata-shim-it-", Map.of());
        work = kata.work();
        bin = kata.bin();
        assets = kata.assets();
        config = kata.config();
        containerd = kata.containerd();
    }

    @AfterAll
    static void stopContainerd() throws Exception {
        if (kata != null) {
            kata.close();
            kata = null;
            containerd = null;
        }
    }

    String newId() {
        String id = "jk" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        ids.add(id);
        return id;
    }

    @AfterEach
    void nothingLeft() throws Exception {
        List<String> left = kata.leftBehind(ids);
        assertEquals(List.of(), left, "left behind by " + ids + "\ncontainerd log:\n" + containerd.log());
    }

    /** {@code ctr run --runtime io.containerd.kata.v2 --rm IMAGE id args…}. */
    Containerd.Result runRm(String id, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("run", "--runtime", RUNTIME, "--rm", KataSetup.IMAGE, id));
        cmd.addAll(List.of(args));
        return containerd.ctr(RUN, cmd.toArray(String[]::new));
    }

    /** A command running in the background, its output in files. */
    record Background(Process process, Path out, Path err) {
        static Background start(List<String> cmd) throws IOException {
            Path out = Files.createTempFile("jkata-bg", ".out");
            Path err = Files.createTempFile("jkata-bg", ".err");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(new java.io.File("/dev/null")).start();
            return new Background(p, out, err);
        }

        Containerd.Result await(Duration timeout) throws IOException, InterruptedException {
            boolean done = process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (!done) {
                process.destroyForcibly().waitFor();
            }
            try {
                return new Containerd.Result(done ? process.exitValue() : -1, Files.readString(out),
                        Files.readString(err) + (done ? "" : "\n(timed out)"));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        }
    }

    /** Starts {@code ctr run --rm} in the background. */
    Background runInBackground(String id, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ctr", "-a", containerd.socket().toString(), "-n",
                Containerd.NAMESPACE, "run", "--runtime", RUNTIME, "--rm", KataSetup.IMAGE, id));
        cmd.addAll(List.of(args));
        return Background.start(cmd);
    }

    /** The status column of {@code ctr task ls} for {@code id} ("" when absent). */
    String taskStatus(String id) throws IOException, InterruptedException {
        Containerd.Result r = containerd.ctr(Duration.ofSeconds(30), "task", "ls");
        for (String line : r.out().lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals(id)) {
                return f[2];
            }
        }
        return "";
    }

    /** Waits until {@code ctr task ls} shows {@code status} for {@code id}; returns how long it took. */
    Duration awaitStatus(String id, String status, Duration timeout) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = taskStatus(id);
            if (last.equals(status)) {
                return Duration.ofNanos(System.nanoTime() - t0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("task " + id + " did not reach " + status + " within " + timeout + " (last: '"
                + last + "')\n" + containerd.log());
    }

    /** The pid of the qemu-system process of sandbox {@code id}. */
    static long qemuPid(String id) {
        return Leaks.processesMentioning(id).stream().filter(p -> p.contains("qemu-system"))
                .mapToLong(p -> Long.parseLong(p.substring(0, p.indexOf(':')))).findFirst()
                .orElseThrow(() -> new AssertionError("no qemu-system process of sandbox " + id));
    }
}
