package dev.jkata.tests.containerd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real containerd (Debian's 1.6) of our own: config, root, state and sockets under a temp dir,
 * CRI disabled, our shim first on its PATH. {@link #close()} stops it and removes its dirs.
 */
public final class Containerd implements AutoCloseable {
    public static final String NAMESPACE = "jkata-it";

    /** What a command printed and how it ended. */
    public record Result(int exit, String out, String err) {
        public String describe() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private final Path dir;
    private final Path socket;
    private final Process process;

    private Containerd(Path dir, Path socket, Process process) {
        this.dir = dir;
        this.socket = socket;
        this.process = process;
    }

    /** Starts containerd with {@code binDir} first on its PATH and {@code extraEnv} in its environment. */
    public static Containerd start(Path binDir, Map<String, String> extraEnv) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "jkata-ctd-");
        Path socket = dir.resolve("c.sock");
        Path config = dir.resolve("config.toml");
        Files.writeString(config, config(dir, socket, "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n", ""));
        Process p = launch(dir, config, binDir, extraEnv);
        Containerd c = new Containerd(dir, socket, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                String log = c.log();
                c.close();
                throw new IOException("containerd exited with " + p.exitValue() + ": " + log);
            }
            if (Files.exists(socket) && c.ctr(Duration.ofSeconds(10), "version").exit() == 0) {
                return c;
            }
            Thread.sleep(100);
        }
        String log = c.log();
        c.close();
        throw new IOException("containerd did not answer on " + socket + " within 30 s: " + log);
    }

    /**
     * A containerd config with root, state, sockets, debug socket and opt dir under {@code dir}; {@code top}
     * (top-level keys: imports, disabled_plugins) goes before the first table, {@code tail} (tables) after.
     */
    public static String config(Path dir, Path socket, String top, String tail) {
        return """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                %3$s[grpc]
                  address = "%2$s"
                [ttrpc]
                  address = "%2$s.ttrpc"
                [debug]
                  address = "%1$s/debug.sock"
                  level = "debug"
                [plugins."io.containerd.internal.v1.opt"]
                  path = "%1$s/opt"
                """.formatted(dir, socket, top) + tail;
    }

    /** Starts containerd on {@code config} with {@code binDir} first on its PATH; output to {@code dir/containerd.log}. */
    public static Process launch(Path dir, Path config, Path binDir, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("containerd", "--config", config.toString());
        pb.environment().put("PATH", binDir + ":" + System.getenv("PATH"));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("containerd.log").toFile());
        return pb.start();
    }

    public Path dir() {
        return dir;
    }

    public Path socket() {
        return socket;
    }

    public String log() {
        try {
            String s = Files.readString(dir.resolve("containerd.log"), StandardCharsets.UTF_8);
            return s.length() > 20000 ? s.substring(s.length() - 20000) : s;
        } catch (IOException e) {
            return "(no containerd log)";
        }
    }

    /** Runs {@code ctr -a SOCK -n NAMESPACE args…}. */
    public Result ctr(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ctr", "-a", socket.toString(), "-n", NAMESPACE));
        cmd.addAll(List.of(args));
        return run(cmd, timeout, null);
    }

    /** Runs a command, feeding {@code stdin} (or nothing), and kills it after {@code timeout}. */
    public static Result run(List<String> cmd, Duration timeout, byte[] stdin) throws IOException, InterruptedException {
        Path out = Files.createTempFile("jkata-out", ".txt");
        Path err = Files.createTempFile("jkata-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (stdin == null) {
                pb.redirectInput(new java.io.File("/dev/null"));
            }
            Process p = pb.start();
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin);
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, Files.readString(out), Files.readString(err) + "\n(timed out after " + timeout + ")");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Removes every container and task of the test namespace (best effort). */
    public void removeAll() throws IOException, InterruptedException {
        Result tasks = ctr(Duration.ofSeconds(30), "tasks", "ls", "-q");
        for (String id : tasks.out().lines().map(String::strip).filter(s -> !s.isEmpty()).toList()) {
            ctr(Duration.ofSeconds(60), "tasks", "kill", "-s", "SIGKILL", id);
            ctr(Duration.ofSeconds(60), "tasks", "rm", "-f", id);
        }
        Result containers = ctr(Duration.ofSeconds(30), "containers", "ls", "-q");
        for (String id : containers.out().lines().map(String::strip).filter(s -> !s.isEmpty()).toList()) {
            ctr(Duration.ofSeconds(60), "containers", "rm", id);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        unmountUnder(dir);
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // reported by the leak check of the test
                }
            });
        }
    }

    /** Unmounts whatever containerd's snapshotter left mounted under {@code root} (deepest first). */
    static void unmountUnder(Path root) throws IOException, InterruptedException {
        for (String m : Leaks.mountsUnder(root)) {
            run(List.of("umount", "-l", m), Duration.ofSeconds(10), null);
        }
    }
}
