package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import dev.jkata.cli.Invocation;
import dev.jkata.runtime.sandbox.SandboxConfig;
import dev.jkata.runtime.state.HostProcesses;
import dev.jkata.runtime.state.SandboxCleaner;
import dev.jkata.runtime.state.StateException;
import dev.jkata.runtime.storage.LinuxMounter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The verbs that act on an existing container: start, state, kill, delete, pause, resume. */
final class Lifecycle {

    private static final long DAEMON_GONE_WAIT_MILLIS = 30_000;

    private Lifecycle() {
    }

    static int start(Invocation inv, List<String> args) throws CliException {
        String id = Flags.parse("start", args).id("start");
        OciPaths paths = OciPaths.of(inv.globals(), id);
        request(paths, "start", Map.of());
        return 0;
    }

    static int state(Invocation inv, List<String> args) throws CliException {
        String id = Flags.parse("state", args).id("state");
        inv.out().println(JsonText.pretty(current(OciPaths.of(inv.globals(), id)).ociJson()));
        return 0;
    }

    static int kill(Invocation inv, List<String> args) throws CliException {
        Flags f = Flags.parse("kill", args, "all|a");
        List<String> pos = f.positional();
        if (pos.isEmpty() || pos.size() > 2) {
            throw CliException.usage("kill: expected ID [SIGNAL], got " + pos);
        }
        int signal = pos.size() == 2 ? Signals.parse(pos.get(1)) : 15;
        OciPaths paths = OciPaths.of(inv.globals(), pos.getFirst());
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("signal", (long) signal);
        req.put("all", f.on("all"));
        request(paths, "kill", req);
        return 0;
    }

    static int pause(Invocation inv, List<String> args) throws CliException {
        request(OciPaths.of(inv.globals(), Flags.parse("pause", args).id("pause")), "pause", Map.of());
        return 0;
    }

    static int resume(Invocation inv, List<String> args) throws CliException {
        request(OciPaths.of(inv.globals(), Flags.parse("resume", args).id("resume")), "resume", Map.of());
        return 0;
    }

    /**
     * delete [--force] ID: asks the daemon to stop the sandbox (refused for a running container
     * without --force), or when the daemon is gone cleans up from the records; then removes
     * {@code <root>/<id>}. A missing container is an error unless --force.
     */
    static int delete(Invocation inv, List<String> args) throws CliException {
        Flags f = Flags.parse("delete", args, "force|f");
        String id = f.id("delete");
        OciPaths paths = OciPaths.of(inv.globals(), id);
        boolean force = f.on("force");
        if (!Files.isDirectory(paths.dir())) {
            if (force) {
                return 0;
            }
            throw new CliException(CliException.FAILURE, "container \"" + id + "\" does not exist");
        }
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("op", "delete");
        req.put("force", force);
        Optional<Map<String, Object>> reply = DaemonClient.call(paths.socket(), req);
        if (reply.isEmpty()) {
            OciState s = OciState.load(paths.state(), id);
            if (!force && daemonAlive(s) && !s.status().equals("stopped")) {
                throw new CliException(CliException.FAILURE, "cannot delete container " + id
                        + " that is not stopped: " + s.status() + " (use --force)");
            }
        }
        OciState s = OciState.load(paths.state(), id);
        waitForDaemonExit(s);
        try {
            Path sandboxDir = SandboxConfig.DEFAULT_RUN_ROOT.resolve(id);
            if (Files.isDirectory(sandboxDir)) {
                SandboxCleaner.cleanup(sandboxDir);
            }
            if (s.pid() > 0 && s.pid() != ProcessHandle.current().pid()) {
                // the pid-file process ends by itself once its exit pipe closes; make sure
                ProcessHandle.of(s.pid()).filter(Lifecycle::isPidProcess).ifPresent(ProcessHandle::destroyForcibly);
            }
            // a daemon that crashed left the namespace kata-runtime made for it
            new ContainerNetns(Optional.of(ContainerNetns.NETNS_DIR.resolve(ContainerNetns.name(paths))), true).remove();
            List<OciHooks.HookCommand> poststop = PoststopHooks.load(paths);
            SandboxCleaner.removeTree(paths.dir(), new LinuxMounter());
            Files.deleteIfExists(paths.socket());
            if (!poststop.isEmpty()) {
                OciHooks.run(OciHooks.Stage.POSTSTOP, poststop, s.stopped(Math.max(s.exitCode(), 0)).ociJson(),
                        Path.of(s.bundle()), Optional.empty());
            }
        } catch (StateException | java.io.IOException e) {
            throw new CliException(CliException.FAILURE, "delete " + id + ": " + e.getMessage(), e);
        }
        return 0;
    }

    /** The live state from the daemon, else the record (stopped when its daemon is gone). */
    static OciState current(OciPaths paths) throws CliException {
        if (!Files.isDirectory(paths.dir())) {
            throw new CliException(CliException.FAILURE, "container \"" + paths.id() + "\" does not exist");
        }
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("op", "state");
        Optional<Map<String, Object>> reply = DaemonClient.call(paths.socket(), req);
        if (reply.isPresent() && reply.get().get("state") instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> sm = (Map<String, Object>) m;
            return OciState.fromJson(sm, paths.socket().toString());
        }
        OciState s = OciState.load(paths.state(), paths.id());
        if (!s.status().equals("stopped") && !s.status().equals("creating") && !daemonAlive(s)) {
            return s.stopped(s.exitCode() < 0 ? 255 : s.exitCode());
        }
        return s;
    }

    /** Sends {@code op} to the container's daemon; "not running" when none answers. */
    static Map<String, Object> request(OciPaths paths, String op, Map<String, Object> fields) throws CliException {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("op", op);
        req.putAll(fields);
        Optional<Map<String, Object>> reply = DaemonClient.call(paths.socket(), req);
        if (reply.isPresent()) {
            return reply.get();
        }
        OciState s = current(paths);
        throw new CliException(CliException.FAILURE, op + ": container " + paths.id() + " is not running (" + s.status()
                + ")");
    }

    static boolean daemonAlive(OciState s) {
        // the daemon runs detached, its parent is init: an init that reaps late (a container's or a sandbox's
        // PID 1) leaves the exited daemon a zombie for a while, and a zombie still answers kill(pid, 0)
        return s.daemonPid() > 0 && !HostProcesses.isZombie(s.daemonPid()) && ProcessHandle.of(s.daemonPid())
                .map(h -> h.info().arguments().map(a -> List.of(a).contains(OciDaemon.VERB)).orElse(true))
                .orElse(false);
    }

    private static boolean isPidProcess(ProcessHandle h) {
        return h.info().arguments().map(a -> List.of(a).contains(Spawner.PID_PROCESS_SCRIPT)).orElse(false);
    }

    private static void waitForDaemonExit(OciState s) {
        long deadline = System.nanoTime() + DAEMON_GONE_WAIT_MILLIS * 1_000_000L;
        while (daemonAlive(s) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (daemonAlive(s)) {
            ProcessHandle.of(s.daemonPid()).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
