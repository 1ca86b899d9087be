package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import dev.jkata.cli.Globals;
import dev.jkata.hypervisor.qemu.Qemu;
import dev.jkata.runtime.annotations.AnnotationException;
import dev.jkata.runtime.annotations.Annotations;
import dev.jkata.runtime.config.ConfigException;
import dev.jkata.runtime.config.ConfigLoader;
import dev.jkata.runtime.config.KataConfig;
import dev.jkata.runtime.oci.OciBundle;
import dev.jkata.runtime.oci.OciException;
import dev.jkata.runtime.sandbox.Container;
import dev.jkata.runtime.sandbox.ContainerProcess;
import dev.jkata.runtime.sandbox.Sandbox;
import dev.jkata.runtime.sandbox.SandboxConfigs;
import dev.jkata.runtime.sandbox.SandboxException;
import dev.jkata.sys.Fd;
import dev.jkata.sys.FdServerSocket;
import dev.jkata.sys.FdSocket;
import dev.jkata.sys.Sys;
import dev.jkata.sys.SysException;
import dev.jkata.sys.UnixSocket;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The long-lived host process of one OCI container's sandbox ({@code kata-runtime oci-daemon ID
 * BUNDLE}, started detached by {@code create}): boots the VM, creates the container in the guest,
 * relays its stdio and serves the later verbs over its socket ({@link OciPaths#socket()}). When the
 * container's init process ends (or on {@code delete}) it stops the sandbox and exits; the
 * container's last state stays in {@code <root>/<id>/state.json}.
 */
final class OciDaemon {

    static final String VERB = "oci-daemon";
    private static final System.Logger LOG = System.getLogger(OciDaemon.class.getName());

    private final Globals globals;
    private final OciPaths paths;
    private final Path bundleDir;
    private final Sys sys = Sys.linux();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final CompletableFuture<Void> errorDelivered = new CompletableFuture<>();
    private final AtomicInteger active = new AtomicInteger();
    private final Map<String, Long> execPids = new ConcurrentHashMap<>();
    /** OOM kills the agent reported for this container, for {@code events}. */
    private final AtomicInteger ooms = new AtomicInteger();
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private OciState state;
    /** Guarded by {@link #lock}. */
    private StdioRelay initRelay;
    /** Guarded by {@link #lock}. */
    private boolean tearingDown;
    private volatile Sandbox sandbox;
    private volatile ContainerNetns netns;
    private volatile Container container;

    private OciDaemon(Globals globals, OciPaths paths, Path bundleDir, OciState initial) {
        this.globals = globals;
        this.paths = paths;
        this.bundleDir = bundleDir;
        this.state = initial;
    }

    /** Entry point of the hidden verb; returns the daemon's exit status. */
    static int run(Globals g, List<String> args) throws CliException {
        if (args.size() != 2) {
            throw CliException.usage(VERB + ": expected ID BUNDLE");
        }
        OciPaths paths = OciPaths.of(g, args.get(0));
        OciState initial = OciState.load(paths.state(), paths.id());
        OciDaemon d = new OciDaemon(g, paths, Path.of(args.get(1)),
                initial.withStatus("created").withDaemonPid(ProcessHandle.current().pid()));
        return d.serve();
    }

    private int serve() {
        try {
            java.nio.file.Files.createDirectories(paths.socket().getParent());
        } catch (IOException e) {
            throw new IllegalStateException("creating " + paths.socket().getParent() + ": " + e.getMessage(), e);
        }
        FdServerSocket server = UnixSocket.listen(paths.socket());
        Thread.ofPlatform().daemon().name("accept").start(() -> acceptLoop(server));
        try {
            boot();
            ready.complete(null);
        } catch (CliException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "sandbox " + paths.id() + " failed: " + e.getMessage(), e);
            ready.completeExceptionally(e);
            try {
                errorDelivered.get(finished.isDone() ? 0 : 60, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // create gave up or never asked; exit anyway
            }
            server.close();
            return 1;
        }
        finished.join();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (active.get() > 0 && System.nanoTime() < deadline) {
            sleep(20);
        }
        server.close();
        LOG.log(System.Logger.Level.INFO, "daemon of {0} exits", paths.id());
        return 0;
    }

    private void boot() throws CliException {
        OciBundle bundle;
        KataConfig kata;
        try {
            bundle = OciBundle.load(bundleDir);
            kata = Annotations.apply(ConfigLoader.load(globals.config(), System.getenv()).config(),
                    bundle.annotations());
        } catch (OciException | ConfigException | AnnotationException e) {
            throw new CliException(CliException.FAILURE, e.getMessage(), e);
        }
        netns = ContainerNetns.of(bundle.spec(), kata.runtime(), paths);
        if (netns.path().isPresent() && !java.nio.file.Files.exists(netns.path().get())) {
            throw new CliException(CliException.FAILURE, "network namespace " + netns.path().get() + " of container "
                    + paths.id() + " does not exist");
        }
        var hooks = bundle.spec().getHooks();
        Map<String, Object> creating = currentState().withStatus("creating").ociJson();
        // before the VM boots: Docker's prestart hook puts the container's veth into the namespace
        // the sandbox then scans
        OciHooks.run(OciHooks.Stage.PRESTART, OciHooks.of(hooks, OciHooks.Stage.PRESTART), creating, bundleDir,
                Optional.empty());
        OciHooks.run(OciHooks.Stage.CREATE_RUNTIME, OciHooks.of(hooks, OciHooks.Stage.CREATE_RUNTIME), creating,
                bundleDir, Optional.empty());
        if (hooks.getStartContainerCount() > 0) {
            LOG.log(System.Logger.Level.WARNING, "container {0}: {1} startContainer hook(s) not run: they would run in "
                    + "the guest, where host paths do not resolve", paths.id(), hooks.getStartContainerCount());
        }
        try {
            sandbox = Sandbox.create(paths.id(), SandboxConfigs.from(kata, bundle.spec()), new Qemu(), bundle.spec().getHostname(),
                    netns.networkSpec(kata.runtime(), bundle.spec()));
        } catch (SandboxException e) {
            throw new CliException(CliException.FAILURE, e.getMessage(), e);
        }
        abandonIfDeleted();
        try {
            OciHooks.run(OciHooks.Stage.CREATE_CONTAINER, OciHooks.of(hooks, OciHooks.Stage.CREATE_CONTAINER),
                    creating, bundleDir, netns.path());
        } catch (CliException e) {
            sandbox.close();
            throw e;
        }
        try {
            container = sandbox.createContainer(paths.id(), guestBundle(bundle), List.of());
        } catch (SandboxException | RuntimeException e) {
            sandbox.close();
            throw new CliException(CliException.FAILURE, e.getMessage(), e);
        }
        abandonIfDeleted();
        watchOom();
        sandbox.vmExited().whenComplete((code, err) -> {
            LOG.log(System.Logger.Level.INFO, "VM of {0} exited ({1})", paths.id(), code);
            Thread.ofPlatform().name("vm-exit").start(() -> teardown(137));
        });
    }

    /** Counts the agent's OOM events of this container (GetOOMEvent long-polls) until the VM is gone. */
    private void watchOom() {
        Sandbox sb = sandbox;
        Thread.ofVirtual().name("oom-" + paths.id()).start(() -> {
            while (sb.vmAlive()) {
                try {
                    if (paths.id().equals(sb.agent().getOomEvent().getContainerId())) {
                        LOG.log(System.Logger.Level.INFO, "container {0} had an OOM kill", paths.id());
                        ooms.incrementAndGet();
                    }
                } catch (dev.jkata.runtime.agent.AgentException e) {
                    if (!sb.vmAlive() || sb.agent().isClosed()
                            || e.code() == dev.jkata.ttrpc.Code.UNIMPLEMENTED) {
                        return;
                    }
                    sleep(1000);
                }
            }
        });
    }

    /** A delete that came while booting wins: the sandbox made so far is stopped again. */
    private void abandonIfDeleted() throws CliException {
        boolean deleted;
        synchronized (lock) {
            deleted = tearingDown;
        }
        if (deleted) {
            sandbox.close();
            throw new CliException(CliException.FAILURE, "container " + paths.id() + " was deleted while being created");
        }
    }

    /**
     * The bundle as the guest gets it: the container shares the VM's network (the sandbox drops
     * the network namespace), where crun refuses {@code net.*} sysctls, so those are left out.
     */
    static OciBundle guestBundle(OciBundle bundle) {
        var spec = bundle.spec();
        if (!spec.hasLinux()) {
            return bundle;
        }
        List<String> net = spec.getLinux().getSysctlMap().keySet().stream().filter(k -> k.startsWith("net.")).toList();
        if (net.isEmpty()) {
            return bundle;
        }
        LOG.log(System.Logger.Level.INFO, "container {0}: network sysctls {1} are not applied (the container uses the VM''s network)",
                bundle.dir(), net);
        var linux = spec.getLinux().toBuilder();
        net.forEach(linux::removeSysctl);
        return new OciBundle(bundle.dir(), spec.toBuilder().setLinux(linux).build(), bundle.annotations());
    }

    private void acceptLoop(FdServerSocket server) {
        while (true) {
            FdSocket s;
            try {
                s = server.accept();
            } catch (SysException e) {
                return;
            }
            active.incrementAndGet();
            Thread.ofPlatform().daemon().name("request").start(() -> {
                try (s) {
                    Wire.Message m = Wire.receive(s);
                    if (m != null) {
                        Map<String, Object> reply = handle(m);
                        Wire.send(s, reply);
                    }
                } catch (IOException | CliException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "request failed: " + e, e);
                } finally {
                    active.decrementAndGet();
                }
            });
        }
    }

    private Map<String, Object> handle(Wire.Message m) {
        String op = String.valueOf(m.body().get("op"));
        List<Fd> fds = new ArrayList<>();
        for (int fd : m.fds()) {
            fds.add(Fd.of(fd));
        }
        boolean fdsTaken = false;
        try {
            if (!op.equals("state") && !op.equals("delete")) {
                awaitReady(op);
            }
            Map<String, Object> reply = ok();
            switch (op) {
                case "attach" -> {
                    attach(m.body(), fds);
                    fdsTaken = true;
                }
                case "start" -> start();
                case "state" -> reply.put("state", currentState().toJson());
                case "kill" -> kill(((Number) m.body().get("signal")).intValue(), Boolean.TRUE.equals(m.body().get("all")));
                case "exec" -> {
                    reply.put("execId", exec(m.body(), fds));
                    fdsTaken = true;
                }
                case "pause" -> {
                    container.pause();
                    setState(currentState().withStatus("paused"));
                }
                case "resume" -> {
                    container.resume();
                    setState(currentState().withStatus("running"));
                }
                case "update" -> container.update(Resources.fromJson(map(m.body().get("resources"))));
                case "stats" -> {
                    reply.put("event", Resources.statsEvent(paths.id(), container.stats()));
                    reply.put("ooms", (long) ooms.get());
                }
                case "ps" -> {
                    reply.put("pids", pids());
                    if ("table".equals(m.body().get("format"))) {
                        reply.put("table", ProcessList.inContainer(container, ExecSpecs.strings(m.body().get("args"))));
                    }
                }
                case "delete" -> delete(Boolean.TRUE.equals(m.body().get("force")));
                default -> throw new CliException(CliException.FAILURE, "daemon: unknown request \"" + op + "\"");
            }
            return reply;
        } catch (CliException | SandboxException | RuntimeException e) {
            if (op.equals("attach")) {
                errorDelivered.complete(null);
            }
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("error", e.getMessage() == null ? e.toString() : e.getMessage());
            return err;
        } finally {
            if (!fdsTaken) {
                fds.forEach(Fd::close);
            }
        }
    }

    private void awaitReady(String op) throws CliException {
        try {
            ready.join();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new CliException(CliException.FAILURE, cause.getMessage(), cause);
        }
        if (container == null) {
            throw new CliException(CliException.FAILURE, op + ": container " + paths.id() + " is not ready");
        }
    }

    private void attach(Map<String, Object> body, List<Fd> fds) throws CliException {
        StdioRelay.HostEnds ends = hostEnds(body, fds);
        long pid = ((Number) body.get("pid")).longValue();
        synchronized (lock) {
            if (initRelay != null) {
                ends.closeAll();
                throw new CliException(CliException.FAILURE, "container " + paths.id() + " already has its stdio");
            }
            initRelay = new StdioRelay(container.init(), ends, sys, clientPid(body));
            setState(state.withPid(pid));
        }
    }

    /** fds: terminal → [slave, exit?]; else [stdin, stdout, stderr, exit?] (as "fds" says). */
    private static StdioRelay.HostEnds hostEnds(Map<String, Object> body, List<Fd> fds) throws CliException {
        boolean terminal = Boolean.TRUE.equals(body.get("terminal"));
        boolean exit = Boolean.TRUE.equals(body.get("exitPipe"));
        int want = (terminal ? 1 : 3) + (exit ? 1 : 0);
        if (fds.size() != want) {
            fds.forEach(Fd::close);
            throw new CliException(CliException.FAILURE, "daemon: expected " + want + " descriptors, got " + fds.size());
        }
        Fd exitFd = exit ? fds.getLast() : null;
        if (terminal) {
            return new StdioRelay.HostEnds(fds.get(0), fds.get(0), null, exitFd, true);
        }
        return new StdioRelay.HostEnds(fds.get(0), fds.get(1), fds.get(2), exitFd, false);
    }

    private void start() throws CliException, SandboxException {
        StdioRelay relay;
        synchronized (lock) {
            if (!state.status().equals("created")) {
                throw new CliException(CliException.FAILURE, "cannot start a container that is " + state.status()
                        + " (only a created container starts)");
            }
            if (initRelay == null) {
                initRelay = new StdioRelay(container.init(), new StdioRelay.HostEnds(null, null, null, null, false), sys,
                        0);
            }
            relay = initRelay;
        }
        container.start();
        setState(currentState().withStatus("running"));
        relay.start(code -> setState(currentState().stopped(code)));
        relay.done().thenRun(() -> Thread.ofPlatform().name("teardown").start(() -> teardown(137)));
        OciHooks.run(OciHooks.Stage.POSTSTART, OciHooks.of(container.bundle().spec().getHooks(),
                OciHooks.Stage.POSTSTART), currentState().withStatus("running").ociJson(), bundleDir, Optional.empty());
    }

    private void kill(int signal, boolean all) throws CliException, SandboxException {
        if (currentState().status().equals("stopped")) {
            throw new CliException(CliException.FAILURE, "container " + paths.id() + " is not running");
        }
        container.signal(signal, all);
    }

    private String exec(Map<String, Object> body, List<Fd> fds) throws CliException, SandboxException {
        StdioRelay.HostEnds ends = hostEnds(body, fds);
        try {
            if (!currentState().status().equals("running")) {
                throw new CliException(CliException.FAILURE, "cannot exec in a container that is " + currentState().status());
            }
            var process = ExecSpecs.fromRequest(container.bundle().spec(), body);
            if (process.getTerminal() != ends.terminal()) {
                throw new CliException(CliException.FAILURE, "exec: the process's terminal setting (" + process.getTerminal()
                        + ") does not match the stdio given (" + (ends.terminal() ? "a console socket" : "plain stdio")
                        + ")");
            }
            String execId = "exec-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
            ContainerProcess p = container.exec(execId, process);
            if (body.get("pid") instanceof Number pid) {
                execPids.put(execId, pid.longValue());
            }
            StdioRelay relay = new StdioRelay(p, ends, sys, clientPid(body));
            relay.start(code -> LOG.log(System.Logger.Level.INFO, "exec {0} exited with {1}", execId, code));
            relay.done().thenRun(() -> {
                execPids.remove(execId);
                container.forgetExec(execId);
            });
            return execId;
        } catch (CliException | SandboxException | RuntimeException e) {
            ends.closeAll();
            throw e;
        }
    }

    private static long clientPid(Map<String, Object> body) {
        return body.get("clientPid") instanceof Number n ? n.longValue() : 0;
    }

    private List<Object> pids() {
        List<Object> out = new ArrayList<>();
        OciState s = currentState();
        if (!s.status().equals("stopped") && s.pid() > 0) {
            out.add(s.pid());
        }
        out.addAll(execPids.values());
        return out;
    }

    private void delete(boolean force) throws CliException {
        OciState s = currentState();
        if (!force && (s.status().equals("running") || s.status().equals("paused"))) {
            throw new CliException(CliException.FAILURE, "cannot delete container " + paths.id()
                    + " that is not stopped: " + s.status() + " (use --force)");
        }
        Thread.ofPlatform().name("teardown").start(() -> teardown(137));
        finished.join();
    }

    /** Ends the init process (reporting {@code killedCode} if it never reports), stops the sandbox. */
    private void teardown(int killedCode) {
        StdioRelay relay;
        synchronized (lock) {
            if (tearingDown) {
                return;
            }
            tearingDown = true;
            relay = initRelay;
        }
        try {
            Container c = container;
            if (c != null && relay != null && !relay.done().isDone()) {
                if (currentState().status().equals("created")) {
                    relay.abandon(killedCode, code -> setState(currentState().stopped(code)));
                } else {
                    try {
                        c.signal(9, true);
                    } catch (SandboxException e) {
                        LOG.log(System.Logger.Level.DEBUG, "SIGKILL to {0}: {1}", paths.id(), e.getMessage());
                    }
                    try {
                        relay.done().get(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        relay.abandon(killedCode, code -> setState(currentState().stopped(code)));
                    }
                }
            }
            if (!currentState().status().equals("stopped")) {
                setState(currentState().stopped(killedCode));
            }
            Sandbox sb = sandbox;
            if (sb != null) {
                sb.stop();
            }
            ContainerNetns ns = netns;
            if (ns != null) {
                try {
                    ns.remove();
                } catch (CliException e) {
                    LOG.log(System.Logger.Level.WARNING, e.getMessage(), e);
                }
            }
        } catch (SandboxException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "stopping the sandbox of " + paths.id() + ": " + e.getMessage(), e);
        } finally {
            finished.complete(null);
        }
    }

    private OciState currentState() {
        synchronized (lock) {
            return state;
        }
    }

    private void setState(OciState s) {
        synchronized (lock) {
            state = s;
            try {
                s.save(paths.state());
            } catch (CliException e) {
                LOG.log(System.Logger.Level.WARNING, e.getMessage(), e);
            }
        }
    }

    private static Map<String, Object> ok() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", true);
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) throws CliException {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new CliException(CliException.FAILURE, "daemon: expected a JSON object, got " + o);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
