package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import dev.jkata.proto.agent.Hook;
import dev.jkata.proto.agent.Hooks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a bundle's OCI hooks on the host, as the runtime spec describes them: each hook's
 * {@code path} is executed with {@code args} as its argv (argv[0] included, which need not be
 * the path: Docker's {@code libnetwork-setkey} hook is {@code /proc/<dockerd>/exe} with argv[0]
 * {@code libnetwork-setkey}), {@code env} as its whole environment, the container's state JSON on
 * stdin, the bundle as working directory, and killed after {@code timeout} seconds.
 *
 * <p>Where each stage runs for a VM (as upstream Kata does, except that prestart and
 * createRuntime run before the VM boots, so the network they set up is there when the sandbox
 * scans the namespace — Kata 1.x's order): prestart, createRuntime → host, in the runtime's
 * namespaces; createContainer → host, inside the sandbox's network namespace (the VMM's); startContainer → not
 * run (its path would have to resolve in the guest); poststart, poststop → host. A failing
 * prestart/createRuntime/createContainer hook fails {@code create}; a failing poststart/poststop
 * hook is only logged (the spec says so).
 */
final class OciHooks {

    private static final System.Logger LOG = System.getLogger(OciHooks.class.getName());
    /** Keeps argv[0] apart from the executable: {@code bash -c SCRIPT argv0 path args…}. */
    static final String ARGV0_SCRIPT = "p=$1; shift; exec -a \"$0\" \"$p\" \"$@\"";
    private static final String BASH = "/bin/bash";
    private static final String NSENTER = "/usr/bin/nsenter";
    private static final int OUTPUT_LIMIT = 2000;

    /** The lifecycle points, with their config.json names. */
    enum Stage {
        PRESTART("prestart"), CREATE_RUNTIME("createRuntime"), CREATE_CONTAINER("createContainer"),
        START_CONTAINER("startContainer"), POSTSTART("poststart"), POSTSTOP("poststop");

        private final String key;

        Stage(String key) {
            this.key = key;
        }

        String key() {
            return key;
        }

        /** Whether a failure here fails the operation (else it is logged and the next hook runs). */
        boolean fatal() {
            return this == PRESTART || this == CREATE_RUNTIME || this == CREATE_CONTAINER;
        }
    }

    /**
     * One hook of config.json.
     *
     * @param path absolute path of the executable on the host
     * @param args argv, argv[0] first (empty: the path alone)
     * @param env the whole environment
     * @param timeout how long it may run; empty for no limit
     */
    record HookCommand(String path, List<String> args, List<String> env, Optional<Duration> timeout) {

        HookCommand {
            Objects.requireNonNull(path, "path");
            args = List.copyOf(args);
            env = List.copyOf(env);
            Objects.requireNonNull(timeout, "timeout");
        }

        static HookCommand of(Hook h) {
            return new HookCommand(h.getPath(), h.getArgsList(), h.getEnvList(),
                    h.getTimeout() > 0 ? Optional.of(Duration.ofSeconds(h.getTimeout())) : Optional.empty());
        }

        /** "path [args]" for messages. */
        String describe() {
            return args.isEmpty() || args.equals(List.of(path)) ? path : path + " " + args;
        }

        /** The command line that starts it, inside {@code netns} when given. */
        List<String> argv(Optional<Path> netns) {
            List<String> cmd = new ArrayList<>();
            netns.ifPresent(ns -> cmd.addAll(List.of(NSENTER, "--net=" + ns, "--")));
            if (args.isEmpty() || args.getFirst().equals(path)) {
                cmd.add(path);
                if (!args.isEmpty()) {
                    cmd.addAll(args.subList(1, args.size()));
                }
            } else {
                cmd.addAll(List.of(BASH, "-c", ARGV0_SCRIPT, args.getFirst(), path));
                cmd.addAll(args.subList(1, args.size()));
            }
            return cmd;
        }
    }

    private OciHooks() {
    }

    /** The hooks of {@code stage} in {@code hooks}, in config.json order. */
    static List<HookCommand> of(Hooks hooks, Stage stage) {
        List<Hook> list = switch (stage) {
            case PRESTART -> hooks.getPrestartList();
            case CREATE_RUNTIME -> hooks.getCreateRuntimeList();
            case CREATE_CONTAINER -> hooks.getCreateContainerList();
            case START_CONTAINER -> hooks.getStartContainerList();
            case POSTSTART -> hooks.getPoststartList();
            case POSTSTOP -> hooks.getPoststopList();
        };
        return list.stream().map(HookCommand::of).toList();
    }

    /**
     * Runs the hooks of one stage in order. For a fatal stage the first failure stops and throws;
     * otherwise every hook runs and each failure is logged.
     *
     * @param state the container's OCI state (JSON object written to each hook's stdin)
     * @param cwd the bundle directory
     * @param netns the network namespace to run them in (createContainer), or empty for the runtime's
     * @throws CliException naming the stage, the hook and its exit code or timeout, with its output
     */
    static void run(Stage stage, List<HookCommand> hooks, Map<String, Object> state, Path cwd, Optional<Path> netns)
            throws CliException {
        byte[] stdin = JsonText.write(state).getBytes(StandardCharsets.UTF_8);
        for (HookCommand h : hooks) {
            try {
                runOne(stage, h, stdin, cwd, netns);
            } catch (CliException e) {
                if (stage.fatal()) {
                    throw e;
                }
                LOG.log(System.Logger.Level.WARNING, e.getMessage());
            }
        }
    }

    private static void runOne(Stage stage, HookCommand h, byte[] stdin, Path cwd, Optional<Path> netns)
            throws CliException {
        String what = stage.key() + " hook " + h.describe();
        Path exe = Path.of(h.path());
        if (!exe.isAbsolute() || !Files.isExecutable(exe) || Files.isDirectory(exe)) {
            throw new CliException(CliException.FAILURE, what + ": path \"" + h.path()
                    + "\" is not an executable file (a hook's path must be absolute and resolve on the host)");
        }
        ProcessBuilder pb = new ProcessBuilder(h.argv(netns)).redirectErrorStream(true);
        if (Files.isDirectory(cwd)) {
            pb.directory(cwd.toFile());
        }
        pb.environment().clear();
        for (String kv : h.env()) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        long started = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, what + ": cannot start: " + e.getMessage(), e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> drain(p.getInputStream(), output));
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException e) {
            // the hook need not read its stdin
        }
        try {
            boolean done = true;
            if (h.timeout().isPresent()) {
                done = p.waitFor(h.timeout().get().toMillis(), TimeUnit.MILLISECONDS);
            } else {
                p.waitFor();
            }
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                reader.join(1000);
                throw new CliException(CliException.FAILURE, what + ": timed out after "
                        + h.timeout().get().toSeconds() + " s and was killed" + outputSuffix(output));
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CliException(CliException.FAILURE, what + ": interrupted", e);
        }
        int code = p.exitValue();
        LOG.log(System.Logger.Level.INFO, "{0} exited with {1} after {2} ms", what, code,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        if (code != 0) {
            throw new CliException(CliException.FAILURE, what + ": exited with code " + code + outputSuffix(output));
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream into) {
        byte[] buf = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (into) {
                    if (into.size() < OUTPUT_LIMIT * 2) {
                        into.write(buf, 0, n);
                    }
                }
            }
        } catch (IOException e) {
            // the hook was killed
        }
    }

    private static String outputSuffix(ByteArrayOutputStream output) {
        String text;
        synchronized (output) {
            text = output.toString(StandardCharsets.UTF_8).strip();
        }
        if (text.isEmpty()) {
            return "";
        }
        if (text.length() > OUTPUT_LIMIT) {
            text = text.substring(0, OUTPUT_LIMIT) + "…";
        }
        return ": " + text.replace('\n', ' ');
    }
}
