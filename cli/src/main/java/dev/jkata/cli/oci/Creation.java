package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import dev.jkata.cli.Invocation;
import dev.jkata.runtime.annotations.AnnotationException;
import dev.jkata.runtime.annotations.Annotations;
import dev.jkata.runtime.config.ConfigException;
import dev.jkata.runtime.config.ConfigLoader;
import dev.jkata.runtime.config.KataConfig;
import dev.jkata.runtime.oci.OciBundle;
import dev.jkata.runtime.oci.OciException;
import dev.jkata.runtime.state.SandboxCleaner;
import dev.jkata.runtime.state.StateException;
import dev.jkata.runtime.sandbox.SandboxConfig;
import dev.jkata.sys.Fd;
import dev.jkata.sys.Sys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What {@code create} and {@code run} share: check the bundle and configuration (a malformed
 * config.json fails here, before anything exists), make {@code <root>/<id>/}, start the sandbox
 * daemon, hand it the container's stdio (or the pty slave whose master goes to
 * {@code --console-socket}) and the exit pipe, wait until the container exists in the guest,
 * write {@code --pid-file}. Any failure removes everything made so far.
 */
final class Creation {

    static final String[] FLAGS = {"bundle|b=", "console-socket=", "pid-file=", "no-pivot", "no-new-keyring",
        "preserve-fds=", "detach|d", "keep", "no-subreaper"};
    private static final long SOCKET_WAIT_MILLIS = 60_000;
    private static final long DAEMON_EXIT_WAIT_MILLIS = 180_000;

    /**
     * A created container.
     *
     * @param paths its files
     * @param exitCode the read end of the exit pipe when this process waits itself (foreground {@code run})
     */
    record Created(OciPaths paths, Optional<Fd> exitCode) {
    }

    private Creation() {
    }

    static Created create(Invocation inv, String verb, Flags f, String id, boolean foreground) throws CliException {
        OciPaths paths = OciPaths.of(inv.globals(), id);
        Path bundleDir = Path.of(f.value("bundle").orElse("")).toAbsolutePath().normalize();
        OciBundle bundle;
        KataConfig kata;
        try {
            bundle = OciBundle.load(bundleDir);
            kata = Annotations.apply(ConfigLoader.load(inv.globals().config(), System.getenv()).config(),
                    bundle.annotations());
        } catch (OciException | ConfigException | AnnotationException e) {
            throw new CliException(CliException.FAILURE, verb + " " + id + ": " + e.getMessage(), e);
        }
        boolean terminal = bundle.spec().hasProcess() && bundle.spec().getProcess().getTerminal();
        Optional<Path> consoleSocket = f.value("console-socket").map(p -> Path.of(p).toAbsolutePath());
        if (terminal && consoleSocket.isEmpty() && !foreground) {
            throw new CliException(CliException.FAILURE, verb + " " + id
                    + ": process.terminal is true: --console-socket is required to receive the terminal");
        }
        if (!terminal && consoleSocket.isPresent()) {
            throw new CliException(CliException.FAILURE, verb + " " + id
                    + ": --console-socket given but process.terminal is false in " + bundleDir.resolve("config.json"));
        }
        try {
            Files.createDirectories(paths.root());
            Files.createDirectory(paths.dir());
        } catch (FileAlreadyExistsException e) {
            throw new CliException(CliException.FAILURE, "container with id exists: " + id, e);
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, verb + " " + id + ": creating " + paths.dir() + ": " + e.getMessage(), e);
        }
        Sys sys = Sys.linux();
        Process daemon = null;
        Spawner.PidProcess pidProcess = null;
        List<Fd> owned = new ArrayList<>();
        ContainerNetns netns = ContainerNetns.of(bundle.spec(), kata.runtime(), paths);
        try {
            netns.create();
            savePoststopHooks(paths, bundle);
            Fd exitWrite;
            Optional<Fd> exitRead = Optional.empty();
            long pid;
            if (foreground) {
                Sys.Pipe pipe = sys.pipe();
                exitWrite = pipe.write();
                owned.add(exitWrite);
                exitRead = Optional.of(pipe.read());
                pid = ProcessHandle.current().pid();
                if (netns.path().isPresent()) {
                    // this process is not in the sandbox's namespace: the hooks get the pid of a
                    // stand-in that is (it ends with this process, or is killed by delete)
                    pidProcess = Spawner.pidProcess(sys, netns.path(), true);
                    pid = pidProcess.pid();
                }
            } else {
                // first, so that the hooks the daemon runs get its pid (in the sandbox's netns)
                pidProcess = Spawner.pidProcess(sys, netns.path(), true);
                exitWrite = pidProcess.exitPipe();
                owned.add(exitWrite);
                pid = pidProcess.pid();
            }
            new OciState(id, "creating", pid, bundleDir.toString(), bundle.rootfs().toString(),
                    Instant.now().toString(), bundle.annotations(), -1, 0).save(paths.state());
            daemon = Spawner.daemon(inv.globals(), paths, bundleDir);
            waitForSocket(paths, daemon);

            int[] stdio;
            if (terminal && consoleSocket.isPresent()) {
                Fd slave = sendConsole(sys, consoleSocket.get());
                owned.add(slave);
                stdio = new int[] {slave.value(), exitWrite.value()};
            } else if (terminal) {
                stdio = new int[] {0, exitWrite.value()};
            } else {
                stdio = new int[] {0, 1, 2, exitWrite.value()};
            }
            Map<String, Object> attach = new LinkedHashMap<>();
            attach.put("op", "attach");
            attach.put("pid", pid);
            attach.put("terminal", terminal);
            attach.put("exitPipe", true);
            if (!foreground) {
                attach.put("clientPid", ProcessHandle.current().pid());
            }
            if (DaemonClient.call(paths.socket(), 10_000, attach, stdio).isEmpty()) {
                throw new CliException(CliException.FAILURE, verb + " " + id + ": the sandbox daemon did not answer: "
                        + logTail(paths));
            }
            owned.forEach(Fd::close);
            owned.clear();
            if (f.value("pid-file").isPresent()) {
                writePidFile(Path.of(f.value("pid-file").get()).toAbsolutePath(), pid);
            }
            return new Created(paths, exitRead);
        } catch (CliException | RuntimeException e) {
            owned.forEach(Fd::close);
            if (pidProcess != null) {
                pidProcess.kill();
            }
            undo(paths, daemon, e);
            netns.removeQuietly(e);
            throw e;
        }
    }

    /** Keeps the bundle's poststop hooks for {@code delete}, which runs them (none: no file). */
    private static void savePoststopHooks(OciPaths paths, OciBundle bundle) throws CliException {
        if (bundle.spec().hasHooks()) {
            PoststopHooks.save(paths, OciHooks.of(bundle.spec().getHooks(), OciHooks.Stage.POSTSTOP));
        }
    }

    private static Fd sendConsole(Sys sys, Path socket) throws CliException {
        return ExecCommand.consoleSlave(sys, socket);
    }

    private static void waitForSocket(OciPaths paths, Process daemon) throws CliException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SOCKET_WAIT_MILLIS);
        while (!Files.exists(paths.socket())) {
            if (!daemon.isAlive()) {
                throw new CliException(CliException.FAILURE, "the sandbox daemon of " + paths.id() + " exited with "
                        + daemon.exitValue() + ": " + logTail(paths));
            }
            if (System.nanoTime() > deadline) {
                throw new CliException(CliException.FAILURE, "the sandbox daemon of " + paths.id()
                        + " did not listen on " + paths.socket() + " within " + SOCKET_WAIT_MILLIS / 1000 + " s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(CliException.FAILURE, "interrupted", e);
            }
        }
    }

    /** Removes what a failed create made: the daemon (it stops its sandbox), the sandbox leftovers, the dir. */
    static void undo(OciPaths paths, Process daemon, Exception failure) {
        if (daemon != null && daemon.isAlive()) {
            try {
                // a daemon still booting stops what it made once it sees the delete
                DaemonClient.call(paths.socket(), 2_000, new LinkedHashMap<>(Map.of("op", "delete", "force", true)));
            } catch (CliException e) {
                failure.addSuppressed(e);
            }
        }
        if (daemon != null) {
            try {
                if (!daemon.waitFor(DAEMON_EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    daemon.descendants().forEach(ProcessHandle::destroyForcibly);
                    daemon.destroyForcibly();
                    daemon.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Path sandboxDir = SandboxConfig.DEFAULT_RUN_ROOT.resolve(paths.id());
            if (daemon != null && Files.isDirectory(sandboxDir)) {
                SandboxCleaner.cleanup(sandboxDir);
            }
            SandboxCleaner.removeTree(paths.dir(), new dev.jkata.runtime.storage.LinuxMounter());
            Files.deleteIfExists(paths.socket());
        } catch (StateException | IOException e) {
            failure.addSuppressed(e);
        }
    }

    static void writePidFile(Path file, long pid) throws CliException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, Long.toString(pid), StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, "writing the pid file " + file + ": " + e.getMessage(), e);
        }
    }

    static String logTail(OciPaths paths) {
        try {
            List<String> lines = Files.readAllLines(paths.log(), StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i);
                if (l.contains("SEVERE:") || l.contains("failed") || l.contains("Exception")) {
                    return String.join(" | ", lines.subList(i, Math.min(lines.size(), i + 3))).strip();
                }
            }
            return lines.isEmpty() ? "(no output in " + paths.log() + ")"
                    : String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
