package dev.jkata.ttrpc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A private containerd for integration tests: everything it writes lives under one temp dir. */
final class ContainerdProcess implements AutoCloseable {

    static final Path CONTAINERD = Path.of("/usr/bin/containerd");
    static final Path CTR = Path.of("/usr/bin/ctr");

    final Path dir;
    final Path grpcSock;
    final Path ttrpcSock;
    private final Process process;

    private ContainerdProcess(Path dir, Process process) {
        this.dir = dir;
        this.grpcSock = dir.resolve("containerd.sock");
        this.ttrpcSock = dir.resolve("containerd.sock.ttrpc");
        this.process = process;
    }

    static boolean available() {
        return Files.isExecutable(CONTAINERD) && Files.isExecutable(CTR) && "root".equals(System.getProperty("user.name"));
    }

    /** Starts containerd (CRI disabled) and waits for both its sockets. */
    static ContainerdProcess start(Path dir, Map<String, String> env) throws Exception {
        Path config = dir.resolve("config.toml");
        Files.writeString(config, """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                disabled_plugins = ["io.containerd.grpc.v1.cri"]
                [grpc]
                  address = "%1$s/containerd.sock"
                [ttrpc]
                  address = "%1$s/containerd.sock.ttrpc"
                [debug]
                  address = "%1$s/debug.sock"
                [plugins."io.containerd.internal.v1.opt"]
                  path = "%1$s/opt"
                """.formatted(dir));
        ProcessBuilder pb = new ProcessBuilder(CONTAINERD.toString(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile());
        pb.environment().putAll(env);
        ContainerdProcess c = new ContainerdProcess(dir, pb.start());
        Instant deadline = Instant.now().plusSeconds(30);
        while (!(Files.exists(c.ttrpcSock) && Files.exists(c.grpcSock))) {
            if (!c.process.isAlive() || Instant.now().isAfter(deadline)) {
                String log = c.log();
                c.close();
                throw new IllegalStateException("containerd did not start: " + log);
            }
            Thread.sleep(50);
        }
        return c;
    }

    String log() {
        try {
            return Files.readString(dir.resolve("containerd.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops containerd; the caller removes {@link #dir}. */
    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Removes a directory tree (test clean-up). */
    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
