package dev.jkata.shim.task;

import com.google.protobuf.Any;
import dev.jkata.shim.ShimException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * containerd's task service over one sandbox: the state machine of containers and processes, stdio
 * wiring, exit tracking and events. It knows nothing of protobuf requests (see the server package)
 * nor of VMs (see {@link SandboxBackend}).
 */
public final class TaskService {
    private static final System.Logger LOG = System.getLogger(TaskService.class.getName());

    /** Result of Delete. */
    public record Deleted(int pid, ExitStatus exit) {}

    private final SandboxFactory factory;
    private final EventSink events;
    private final StdioConnector stdio;
    private final Clock clock;
    private final Duration outputDrain;

    /** Serialises creates (a create may boot the VM); never held together with {@link #lock}'s callers' I/O. */
    private final ReentrantLock createLock = new ReentrantLock();
    private final Object lock = new Object();
    // guarded by lock
    private final Map<String, ShimContainer> containers = new java.util.LinkedHashMap<>();
    // guarded by lock
    private SandboxBackend sandbox;
    // guarded by lock
    private String sandboxId;
    // guarded by lock
    private boolean shuttingDown;
    private volatile boolean vmDead;
    private volatile boolean everCreated;

    public TaskService(SandboxFactory factory, EventSink events, StdioConnector stdio, Clock clock,
                       Duration outputDrain) {
        this.factory = factory;
        this.events = events;
        this.stdio = stdio;
        this.clock = clock;
        this.outputDrain = outputDrain;
    }

    public int create(ContainerRequest request) {
        if (request.id().isEmpty()) {
            throw ShimException.invalid("container id must not be empty");
        }
        everCreated = true;
        createLock.lock();
        try {
            SandboxBackend sb;
            synchronized (lock) {
                if (containers.containsKey(request.id())) {
                    throw new ShimException(ShimException.Kind.ALREADY_EXISTS,
                            "container " + request.id() + " already exists");
                }
                if (shuttingDown) {
                    throw ShimException.precondition("the sandbox of this shim is shut down");
                }
                sb = sandbox;
            }
            int pid;
            boolean first = sb == null;
            if (first) {
                SandboxFactory.Created created = factory.createSandbox(request);
                sb = created.sandbox();
                pid = created.pid();
            } else {
                pid = sb.createContainer(request);
            }
            ShimProcess init = new ShimProcess(request.id(), "", request.stdio(), null, pid);
            synchronized (lock) {
                if (first) {
                    sandbox = sb;
                    sandboxId = request.id();
                }
                containers.put(request.id(), new ShimContainer(request.id(), request.bundle(), request.rootfs(), init));
            }
            if (first) {
                SandboxBackend watched = sb;
                sb.vmExited().whenComplete((reason, error) -> onVmExit(watched, reason, error));
                sb.watchOom(this::onOom);
            }
            events.publish(new TaskEvent.Create(request.id(), request.bundle().toString(), request.rootfs(),
                    request.stdio(), pid));
            return pid;
        } finally {
            createLock.unlock();
        }
    }

    public int start(String id, String execId) {
        ShimProcess p = process(id, execId);
        SandboxBackend sb = backend();
        p.beginStart();
        int pid;
        try {
            pid = execId.isEmpty() ? sb.startContainer(id) : sb.startExec(id, p.exec);
        } catch (RuntimeException e) {
            p.failStart();
            throw e;
        }
        try {
            StdioConnector.Connection io = stdio.connect(p.name(), p.stdio, sb.streams(id, execId));
            p.attach(io);
            io.stdinDone().whenComplete((ok, error) -> p.stdinCopied.complete(null));
        } catch (RuntimeException e) {
            p.stdinCopied.complete(null);
            LOG.log(System.Logger.Level.WARNING, "cannot connect the stdio of " + p.name(), e);
        }
        Thread.ofVirtual().name("wait-" + id + "-" + execId).start(() -> waitForExit(sb, p));
        ExitStatus early;
        synchronized (p) {
            early = p.finishStart(pid);
            events.publish(execId.isEmpty() ? new TaskEvent.Start(id, pid) : new TaskEvent.ExecStarted(id, execId, pid));
        }
        if (early != null) {
            publishExit(p, early);
        }
        return pid;
    }

    private void waitForExit(SandboxBackend sb, ShimProcess p) {
        ExitStatus exit;
        try {
            exit = sb.waitProcess(p.containerId, p.execId);
        } catch (RuntimeException e) {
            if (!vmDead && !sb.vmExited().toCompletableFuture().isDone()) {
                LOG.log(System.Logger.Level.WARNING, "waiting for " + p.name() + " failed", e);
            }
            exit = new ExitStatus(ExitStatus.VM_DIED, clock.instant());
        }
        StdioConnector.Connection io = p.io();
        if (io != null && !vmDead) {
            awaitOutput(p, io);
        }
        onExit(p, exit);
    }

    /**
     * Lets the output copy finish before the exit is reported (containerd closes the fifos once it
     * sees the exit): waits {@code outputDrain}, and longer while bytes are still moving (up to a
     * minute); output nobody reads (no fifo reader) does not hold the exit back beyond that.
     */
    private void awaitOutput(ShimProcess p, StdioConnector.Connection io) {
        long start = System.nanoTime();
        long hardLimit = start + TimeUnit.MINUTES.toNanos(1);
        long quiet = outputDrain.toNanos();
        while (true) {
            try {
                io.outputDone().get(200, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                long now = System.nanoTime();
                long last = Math.max(start, io.lastOutputNanos());
                if (now - last > quiet || now > hardLimit) {
                    LOG.log(System.Logger.Level.WARNING, "output of " + p.name() + " still open after it exited");
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                LOG.log(System.Logger.Level.DEBUG, "output copy of " + p.name() + " failed", e.getCause());
                return;
            }
        }
    }

    private void onExit(ShimProcess p, ExitStatus exit) {
        boolean recorded;
        synchronized (p) {
            recorded = p.recordExit(exit);
            if (recorded) {
                events.publish(new TaskEvent.Exit(p.containerId, p.execId.isEmpty() ? p.containerId : p.execId,
                        p.pid(), exit.code(), exit.at()));
            }
        }
        if (recorded) {
            p.completeExit(exit);
            p.stdinCopied.complete(null);
        }
    }

    private void publishExit(ShimProcess p, ExitStatus exit) {
        synchronized (p) {
            events.publish(new TaskEvent.Exit(p.containerId, p.execId.isEmpty() ? p.containerId : p.execId,
                    p.pid(), exit.code(), exit.at()));
        }
        p.completeExit(exit);
    }

    private void onOom(String containerId) {
        synchronized (lock) {
            if (!containers.containsKey(containerId)) {
                return;
            }
        }
        LOG.log(System.Logger.Level.INFO, "container " + containerId + " hit an OOM in the guest");
        events.publish(new TaskEvent.Oom(containerId));
    }

    private void onVmExit(SandboxBackend sb, String reason, Throwable error) {
        List<ShimProcess> all;
        synchronized (lock) {
            if (shuttingDown || sandbox != sb) {
                return;
            }
            vmDead = true;
            all = allProcesses();
        }
        LOG.log(System.Logger.Level.ERROR, "the sandbox VM ended: " + (error != null ? error.toString() : reason));
        ExitStatus exit = new ExitStatus(ExitStatus.VM_DIED, clock.instant());
        for (ShimProcess p : all) {
            onExit(p, exit);
        }
    }

    private List<ShimProcess> allProcesses() {
        List<ShimProcess> all = new ArrayList<>();
        for (ShimContainer c : containers.values()) {
            all.addAll(c.execs.values());
            all.add(c.init);
        }
        return all;
    }

    public void exec(String id, ExecRequest request) {
        if (request.execId().isEmpty()) {
            throw ShimException.invalid("exec id must not be empty");
        }
        synchronized (lock) {
            ShimContainer c = container(id);
            if (!(c.init.state() instanceof ProcessState.Running)) {
                throw ShimException.precondition("cannot exec in container " + id + ": it is " + c.init.state().label());
            }
            if (c.execs.containsKey(request.execId())) {
                throw new ShimException(ShimException.Kind.ALREADY_EXISTS,
                        "exec " + request.execId() + " already exists in container " + id);
            }
            c.execs.put(request.execId(), new ShimProcess(id, request.execId(), request.stdio(), request, 0));
        }
        events.publish(new TaskEvent.ExecAdded(id, request.execId()));
    }

    public ProcessView state(String id, String execId) {
        ShimProcess p;
        java.nio.file.Path bundle;
        synchronized (lock) {
            ShimContainer c = container(id);
            bundle = c.bundle;
            p = execId.isEmpty() ? c.init : exec(c, execId);
        }
        synchronized (p) {
            ProcessState s = p.state();
            ExitStatus exit = s instanceof ProcessState.Stopped st ? st.exit() : null;
            return new ProcessView(id, execId, bundle, p.pid(), s, p.stdio, exit);
        }
    }

    public List<Integer> pids(String id) {
        List<Integer> pids = new ArrayList<>();
        synchronized (lock) {
            ShimContainer c = container(id);
            pids.add(c.init.pid());
            for (ShimProcess p : c.execs.values()) {
                int pid = p.pid();
                if (pid > 0 && !pids.contains(pid) && !(p.state() instanceof ProcessState.Stopped)) {
                    pids.add(pid);
                }
            }
        }
        return pids;
    }

    public void pause(String id) {
        ShimProcess init = process(id, "");
        init.checkPausable();
        backend().pause(id);
        init.markPaused();
        events.publish(new TaskEvent.Paused(id));
    }

    public void resume(String id) {
        ShimProcess init = process(id, "");
        init.checkResumable();
        backend().resume(id);
        init.markResumed();
        events.publish(new TaskEvent.Resumed(id));
    }

    public void kill(String id, String execId, int signal, boolean all) {
        if (signal <= 0 || signal > 64) {
            throw ShimException.invalid("signal " + signal + " is not a valid signal number (1-64)");
        }
        ShimProcess p = process(id, execId);
        switch (p.state()) {
            case ProcessState.Stopped s -> { } // already gone: nothing to signal
            case ProcessState.Created c -> {
                try {
                    backend().signal(id, execId, signal, all);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "signal to never-started " + p.name() + " failed", e);
                }
                onExit(p, new ExitStatus(128 + signal, clock.instant()));
            }
            default -> backend().signal(id, execId, signal, all);
        }
    }

    public void resizePty(String id, String execId, int width, int height) {
        process(id, execId);
        backend().resizePty(id, execId, width, height);
    }

    /**
     * CloseIO: the guest's stdin is closed once everything containerd wrote into the stdin fifo has
     * been copied, which may be after this call returns: ctr closes its end of the fifo only after
     * CloseIO answered (waiting here would stall both sides), and may send CloseIO before Start.
     */
    public void closeIo(String id, String execId, boolean stdin) {
        ShimProcess p = process(id, execId);
        if (!stdin) {
            return;
        }
        SandboxBackend sb = backend();
        // ctr may send CloseIO before Start attached the fifos (its fifo writes do not wait for us):
        // the process's own future covers that window too
        p.stdinCopied.whenComplete((ok, error) -> {
            if (p.state() instanceof ProcessState.Stopped) {
                return;
            }
            try {
                LOG.log(System.Logger.Level.DEBUG, "closing the stdin of " + p.name());
                sb.closeStdin(id, execId);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the stdin of " + p.name() + " failed", e);
            }
        });
    }

    public void update(String id, Any resources) {
        process(id, "");
        backend().update(id, resources);
    }

    public Any stats(String id) {
        process(id, "");
        return backend().stats(id);
    }

    /** Blocks until the process exits. */
    public ExitStatus waitFor(String id, String execId) {
        CompletableFuture<ExitStatus> exited = process(id, execId).exited();
        try {
            return exited.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShimException(ShimException.Kind.INTERNAL, "interrupted waiting for " + id);
        } catch (ExecutionException e) {
            throw new ShimException(ShimException.Kind.INTERNAL, "waiting for " + id + " failed", e.getCause());
        }
    }

    public Deleted delete(String id, String execId) {
        if (!execId.isEmpty()) {
            ShimProcess p;
            synchronized (lock) {
                ShimContainer c = container(id);
                p = exec(c, execId);
                ExitStatus exit = p.checkDeletable();
                c.execs.remove(execId);
                closeIo(p);
                if (sandbox != null) {
                    sandbox.forgetExec(id, execId);
                }
                return new Deleted(p.pid(), exit != null ? exit : new ExitStatus(0, clock.instant()));
            }
        }
        ShimContainer c;
        ExitStatus exit;
        synchronized (lock) {
            c = container(id);
            exit = c.init.checkDeletable();
        }
        SandboxBackend sb = backend();
        try {
            sb.deleteContainer(id);
        } catch (RuntimeException e) {
            if (!vmDead) {
                throw e;
            }
            LOG.log(System.Logger.Level.DEBUG, "delete of " + id + " after the VM died", e);
        }
        boolean lastOfSandbox;
        synchronized (lock) {
            containers.remove(id);
            c.execs.values().forEach(TaskService::closeIo);
            lastOfSandbox = id.equals(sandboxId) || containers.isEmpty();
            if (lastOfSandbox) {
                shuttingDown = true;
            }
        }
        closeIo(c.init);
        if (lastOfSandbox) {
            sb.shutdown();
        }
        ExitStatus e = exit != null ? exit : new ExitStatus(0, clock.instant());
        events.publish(new TaskEvent.Delete(id, id, c.init.pid(), e.code(), e.at()));
        return new Deleted(c.init.pid(), e);
    }

    private static void closeIo(ShimProcess p) {
        StdioConnector.Connection io = p.io();
        if (io != null) {
            io.close();
        }
    }

    /** The init pid of a container, or 0 when it does not exist. */
    public int taskPid(String id) {
        synchronized (lock) {
            ShimContainer c = containers.get(id);
            return c == null ? 0 : c.init.pid();
        }
    }

    /** True once a Create arrived (even a failed one). */
    public boolean everCreated() {
        return everCreated;
    }

    /** True when no containers are left, so the daemon may exit; stops the sandbox if still up. */
    public boolean shutdown() {
        SandboxBackend sb;
        synchronized (lock) {
            if (!containers.isEmpty()) {
                return false;
            }
            shuttingDown = true;
            sb = sandbox;
        }
        if (sb != null) {
            sb.shutdown();
        }
        return true;
    }

    /** Stops the sandbox whatever its containers' state (the daemon is being terminated). */
    public void forceShutdown() {
        SandboxBackend sb;
        synchronized (lock) {
            shuttingDown = true;
            sb = sandbox;
        }
        if (sb != null) {
            try {
                sb.shutdown();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "stopping the sandbox failed", e);
            }
        }
    }

    private SandboxBackend backend() {
        synchronized (lock) {
            if (sandbox == null) {
                throw ShimException.precondition("no sandbox has been created by this shim");
            }
            return sandbox;
        }
    }

    private ShimProcess process(String id, String execId) {
        synchronized (lock) {
            ShimContainer c = container(id);
            return execId.isEmpty() ? c.init : exec(c, execId);
        }
    }

    private ShimContainer container(String id) {
        ShimContainer c = containers.get(id);
        if (c == null) {
            throw ShimException.notFound("container " + id + " not found");
        }
        return c;
    }

    private static ShimProcess exec(ShimContainer c, String execId) {
        ShimProcess p = c.execs.get(execId);
        if (p == null) {
            throw ShimException.notFound("exec " + execId + " not found in container " + c.id);
        }
        return p;
    }
}
