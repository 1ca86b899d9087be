package dev.jkata.agent.container;

import dev.jkata.agent.AgentException;
import dev.jkata.agent.spec.OciConfig;
import dev.jkata.agent.storage.StorageSpec;
import dev.jkata.agent.storage.Storages;
import dev.jkata.proto.agent.LinuxResources;
import dev.jkata.proto.agent.Process;
import dev.jkata.proto.agent.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Everything the agent runs for one sandbox: its storages and containers. Container
 * operations translate into bundle files and runtime commands; no RPC types leak out.
 */
public final class Sandbox {

    private static final System.Logger LOG = System.getLogger(Sandbox.class.getName());
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final OciRuntime runtime;
    private final Storages storages;
    private final Path bundles;
    private final Path cgroupRoot;
    private final java.time.Duration execLinger;
    private final Map<String, Container> containers = new ConcurrentHashMap<>();
    /** Guarded by this. */
    private String sandboxId = "";
    /** Guarded by this. */
    private List<Path> sandboxStorages = List.of();

    /**
     * @param bundles    where container bundles go: /run/kata-containers in the guest
     * @param cgroupRoot the cgroup directory holding one directory per container
     */
    public Sandbox(OciRuntime runtime, Storages storages, Path bundles, Path cgroupRoot) {
        this(runtime, storages, bundles, cgroupRoot, java.time.Duration.ofSeconds(30));
    }

    /** @param execLinger how long an exited exec stays known after WaitProcess reported it */
    public Sandbox(OciRuntime runtime, Storages storages, Path bundles, Path cgroupRoot, java.time.Duration execLinger) {
        this.runtime = runtime;
        this.storages = storages;
        this.bundles = bundles;
        this.cgroupRoot = cgroupRoot;
        this.execLinger = execLinger;
    }

    public Storages storages() {
        return storages;
    }

    public synchronized String sandboxId() {
        return sandboxId;
    }

    public synchronized void createSandbox(String id, List<StorageSpec> specs) {
        if (!sandboxId.isEmpty()) {
            throw AgentException.exists("the sandbox " + sandboxId + " already exists; an agent serves one sandbox");
        }
        sandboxStorages = storages.addAll(specs);
        sandboxId = id.isEmpty() ? "sandbox" : id;
    }

    /** Stops and removes every container and unmounts every storage. */
    public synchronized void destroySandbox() {
        for (Container c : List.copyOf(containers.values())) {
            try {
                remove(c.id(), 10);
            } catch (AgentException e) {
                LOG.log(System.Logger.Level.WARNING, "removing " + c.id() + ": " + e.getMessage());
            }
        }
        storages.clear();
        sandboxStorages = List.of();
        sandboxId = "";
    }

    public Container get(String id) {
        Container c = containers.get(id);
        if (c == null) {
            throw AgentException.notFound("no container with id '" + id + "'");
        }
        return c;
    }

    public Collection<Container> containers() {
        return List.copyOf(containers.values());
    }

    static void checkId(String id, String what) {
        if (!ID.matcher(id).matches()) {
            throw AgentException.invalid(what + " '" + id + "' is not valid: expected 1-128 characters of "
                    + "letters, digits, '_', '.', '-', not starting with a punctuation character");
        }
    }

    /** Mounts the container's storages and writes its bundle; the process starts at {@link #start}. */
    public Container create(String id, List<StorageSpec> specs, Spec spec) {
        checkId(id, "container id");
        Container placeholder = new Container(id, bundles.resolve(id), List.of(), false);
        if (containers.putIfAbsent(id, placeholder) != null) {
            throw AgentException.exists("a container with id '" + id + "' already exists");
        }
        List<Path> mounted = List.of();
        try {
            mounted = storages.addAll(specs);
            Path rootfs = Path.of(spec.hasRoot() ? spec.getRoot().getPath() : "");
            byte[] config = OciConfig.configJson(spec, id, p -> !p.isEmpty() && Files.exists(Path.of(p)));
            if (!Files.isDirectory(rootfs)) {
                throw AgentException.invalid("container " + id + ": root.path " + rootfs
                        + " is not a directory in the guest");
            }
            Path bundle = bundles.resolve(id);
            Files.createDirectories(bundle);
            Files.write(bundle.resolve("config.json"), config);
            Container c = new Container(id, bundle, mounted, spec.getProcess().getTerminal());
            containers.put(id, c);
            LOG.log(System.Logger.Level.INFO, "created container " + id + " (rootfs " + rootfs + ")");
            return c;
        } catch (IOException e) {
            containers.remove(id);
            storages.releaseAll(mounted.reversed());
            throw AgentException.internal("writing the bundle of " + id + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            containers.remove(id);
            storages.releaseAll(mounted.reversed());
            throw e;
        }
    }

    public void start(String id) {
        Container c = get(id);
        synchronized (c) {
            if (!(c.state() instanceof ContainerState.Created)) {
                throw AgentException.precondition("container " + id + " is " + ContainerState.name(c.state())
                        + "; only a created container can be started");
            }
            Path b = c.bundle();
            Proc init = c.init();
            Path console = init.terminal() ? b.resolve("console.sock") : null;
            try {
                init.start(runtime.run(id, b, console, b.resolve("init.pid"), b.resolve("crun.log")),
                        b.resolve("console.sock"), b.resolve("init.pid"), b.resolve("crun.log"));
            } catch (AgentException e) {
                // a failed start is final: WaitProcess answers 255, RemoveContainer cleans up
                c.setState(new ContainerState.Stopped(Proc.NEVER_RAN));
                throw e;
            }
            c.setState(new ContainerState.Running(init.pid()));
        }
    }

    public Proc exec(String id, String execId, Process process) {
        Container c = get(id);
        checkId(execId, "exec id");
        if (!(c.state() instanceof ContainerState.Running)) {
            throw AgentException.precondition("container " + id + " is " + ContainerState.name(c.state())
                    + "; exec needs a running container");
        }
        byte[] json = OciConfig.processJson(process, "exec " + execId + " of " + id);
        Proc p = c.addExec(execId, process.getTerminal());
        Path dir = c.bundle().resolve("exec-" + execId);
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("process.json"), json);
        } catch (IOException e) {
            c.removeExec(execId);
            throw AgentException.internal("writing process.json of exec " + execId + ": " + e.getMessage(), e);
        }
        try {
            Path console = p.terminal() ? dir.resolve("console.sock") : null;
            p.start(runtime.exec(id, dir.resolve("process.json"), console, dir.resolve("pid"),
                    dir.resolve("crun.log")), dir.resolve("console.sock"), dir.resolve("pid"), dir.resolve("crun.log"));
        } catch (AgentException e) {
            c.removeExec(execId);
            throw e;
        }
        return p;
    }

    /**
     * Signals one process; an empty exec id signals the init process and every other process
     * in the container's cgroup.
     */
    public void signal(String id, String execId, int signal) {
        if (signal <= 0 || signal > 64) {
            throw AgentException.invalid("signal " + signal + " is not a valid signal number (1-64)");
        }
        Container c = get(id);
        c.process(execId).signal(signal);
        if (execId.isEmpty() && !(c.state() instanceof ContainerState.Created)) {
            for (int pid : cgroupPids(id)) {
                try {
                    dev.jkata.agent.os.Native.kill(pid, signal);
                } catch (AgentException e) {
                    // the process exited meanwhile
                }
            }
        }
    }

    private List<Integer> cgroupPids(String id) {
        Path procs = cgroupRoot.resolve(id).resolve("cgroup.procs");
        try {
            return Files.exists(procs) ? Files.readAllLines(procs).stream().map(String::trim)
                    .filter(s -> !s.isEmpty()).map(Integer::parseInt).toList() : List.of();
        } catch (IOException | NumberFormatException e) {
            return List.of();
        }
    }

    /**
     * Blocks until the process exits and returns its status. An exec process is forgotten a
     * while after its exit was reported (the host may still be draining its output), so that
     * frequent execs (probes) do not pile up.
     */
    public int waitProcess(String id, String execId) {
        Container c = get(id);
        Proc p = c.process(execId);
        int status = p.waitExit();
        if (p != c.init()) {
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(execLinger);
                } catch (InterruptedException e) {
                    return;
                }
                if (c.forgetExec(p)) {
                    deleteTree(c.bundle().resolve("exec-" + p.execId()));
                }
            });
        }
        return status;
    }

    public void pause(String id) {
        Container c = get(id);
        synchronized (c) {
            if (!(c.state() instanceof ContainerState.Running r)) {
                throw AgentException.precondition("container " + id + " is " + ContainerState.name(c.state())
                        + "; only a running container can be paused");
            }
            runtime.pause(id);
            c.setState(new ContainerState.Paused(r.pid()));
        }
    }

    public void resume(String id) {
        Container c = get(id);
        synchronized (c) {
            if (!(c.state() instanceof ContainerState.Paused p)) {
                throw AgentException.precondition("container " + id + " is " + ContainerState.name(c.state())
                        + "; only a paused container can be resumed");
            }
            runtime.resume(id);
            c.setState(new ContainerState.Running(p.pid()));
        }
    }

    public void update(String id, LinuxResources resources) {
        Container c = get(id);
        if (c.state() instanceof ContainerState.Stopped) {
            throw AgentException.precondition("container " + id + " is stopped; its resources cannot be updated");
        }
        Path file = c.bundle().resolve("resources.json");
        try {
            Files.write(file, OciConfig.resourcesJson(resources));
        } catch (IOException e) {
            throw AgentException.internal("writing " + file + ": " + e.getMessage(), e);
        }
        if (c.state() instanceof ContainerState.Created) {
            LOG.log(System.Logger.Level.INFO, "container " + id + " not started yet; resources update deferred");
            return;
        }
        runtime.update(id, file);
    }

    /**
     * Kills the container's processes, waits for them (up to {@code timeoutSeconds}, 0 = forever),
     * deletes the runtime state, releases storages and removes the bundle.
     */
    public void remove(String id, int timeoutSeconds) {
        Container c = get(id);
        synchronized (c) {
            ContainerState s = c.state();
            if (s instanceof ContainerState.Paused) {
                try {
                    runtime.resume(id);
                } catch (AgentException e) {
                    LOG.log(System.Logger.Level.WARNING, "resuming " + id + " before removal: " + e.getMessage());
                }
            }
            if (s instanceof ContainerState.Created) {
                c.init().abandon();
            } else {
                for (Proc p : c.execs()) {
                    p.signal(9);
                }
                c.init().signal(9);
                long wait = timeoutSeconds == 0 ? Long.MAX_VALUE : timeoutSeconds * 1000L;
                if (!c.init().awaitExit(wait)) {
                    throw new AgentException(dev.jkata.ttrpc.Code.DEADLINE_EXCEEDED, "container " + id
                            + " did not exit within " + timeoutSeconds + " s of SIGKILL");
                }
                try {
                    runtime.delete(id);
                } catch (AgentException e) {
                    LOG.log(System.Logger.Level.WARNING, "deleting runtime state of " + id + ": " + e.getMessage());
                }
            }
            for (Proc p : c.execs()) {
                p.awaitExit(2000);
                c.removeExec(p.execId());
            }
            c.init().release();
            containers.remove(id);
            storages.releaseAll(c.storages().reversed());
            deleteTree(c.bundle());
            LOG.log(System.Logger.Level.INFO, "removed container " + id);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "removing " + dir + ": " + e.getMessage());
        }
    }
}
