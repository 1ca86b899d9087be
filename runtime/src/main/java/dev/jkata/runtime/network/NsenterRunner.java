package dev.jkata.runtime.network;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs iproute2 commands in a network namespace through {@code nsenter --net=<path>}. */
public final class NsenterRunner implements CommandRunner {

    static final Path NSENTER = Path.of("/usr/bin/nsenter");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final List<String> BIN_DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

    private final Path netns;

    public NsenterRunner(Path netns) {
        this.netns = Objects.requireNonNull(netns, "netns");
    }

    /** The command line that is executed for {@code argv}: nsenter, then the tool by absolute path. */
    List<String> commandLine(List<String> argv) throws NetworkException {
        if (argv.isEmpty()) {
            throw new NetworkException("empty command for network namespace " + netns);
        }
        List<String> cmd = new ArrayList<>(List.of(NSENTER.toString(), "--net=" + netns, "--", tool(argv.get(0))));
        cmd.addAll(argv.subList(1, argv.size()));
        return cmd;
    }

    @Override
    public String run(List<String> argv) throws NetworkException {
        return execute(commandLine(argv), String.join(" ", argv) + " (in " + netns + ")");
    }

    /** Runs a command line, returning its standard output; {@code shown} names it in errors. */
    static String execute(List<String> cmd, String shown) throws NetworkException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new NetworkException(shown + ": cannot start: " + e.getMessage(), e);
        }
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        String out = drain(p.getInputStream());
        try {
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new NetworkException(shown + ": no answer within " + TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new NetworkException(shown + ": interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new NetworkException(shown + ": exit status " + p.exitValue() + ": " + err.join().trim());
        }
        return out;
    }

    static String tool(String name) throws NetworkException {
        if (name.contains("/")) {
            return name;
        }
        for (String dir : BIN_DIRS) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new NetworkException(name + ": not found in " + BIN_DIRS + " (Debian package iproute2)");
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
