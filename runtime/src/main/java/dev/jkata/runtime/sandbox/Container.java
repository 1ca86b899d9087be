package dev.jkata.runtime.sandbox;

import dev.jkata.proto.agent.ExecProcessRequest;
import dev.jkata.proto.agent.LinuxResources;
import dev.jkata.proto.agent.StatsContainerResponse;
import dev.jkata.runtime.agent.AgentClient;
import dev.jkata.runtime.agent.AgentException;
import dev.jkata.runtime.oci.OciBundle;
import dev.jkata.ttrpc.Code;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A container of a {@link Sandbox}: created in the guest by {@link Sandbox#createContainer}, then
 * started, exec'd into, signalled, paused, resumed, updated and removed here. Thread-safe.
 */
public final class Container {

    private static final System.Logger LOG = System.getLogger(Container.class.getName());
    /** How long the agent may take to kill a container's processes on RemoveContainer. */
    private static final int REMOVE_TIMEOUT_SECONDS = 10;

    /** Lifecycle states. Illegal transitions are refused with FAILED_PRECONDITION. */
    public enum Status {
        CREATED("created"), RUNNING("running"), PAUSED("paused"), STOPPED("stopped");

        private final String text;

        Status(String text) {
            this.text = text;
        }

        /** The lower-case name used in state records and by the OCI CLI. */
        public String text() {
            return text;
        }
    }

    private final Sandbox sandbox;
    private final AgentClient agent;
    private final String id;
    private final OciBundle bundle;
    private final List<Path> mounts;
    private final ContainerProcess init;
    /** Exec processes by exec id; the map itself is thread-safe. */
    private final Map<String, ContainerProcess> execs = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    /** Reverts this container's host mounts and directory; guarded by {@link #lock}. */
    private final Undo teardown;
    /** Guarded by {@link #lock}. */
    private Status status = Status.CREATED;
    /** Guarded by {@link #lock}. */
    private boolean removed;

    Container(Sandbox sandbox, AgentClient agent, String id, OciBundle bundle, List<Path> mounts, Undo teardown) {
        this.sandbox = sandbox;
        this.agent = agent;
        this.id = id;
        this.bundle = bundle;
        this.mounts = List.copyOf(mounts);
        this.teardown = teardown;
        boolean terminal = bundle.spec().hasProcess() && bundle.spec().getProcess().getTerminal();
        this.init = new ContainerProcess(agent, id, id, terminal);
    }

    public String id() {
        return id;
    }

    public OciBundle bundle() {
        return bundle;
    }

    /** Host mount points made for this container (rootfs first). */
    public List<Path> mounts() {
        return mounts;
    }

    public Status status() {
        synchronized (lock) {
            return status;
        }
    }

    /** The container's init process (exec id = container id). */
    public ContainerProcess init() {
        return init;
    }

    /** An exec process by id, or the init process for the container id. */
    public Optional<ContainerProcess> process(String execId) {
        if (execId == null || execId.isEmpty() || execId.equals(id)) {
            return Optional.of(init);
        }
        return Optional.ofNullable(execs.get(execId));
    }

    /** Starts the init process; the exit is watched from here on. */
    public void start() throws SandboxException {
        synchronized (lock) {
            requireStatus("start", Status.CREATED);
        }
        try {
            agent.startContainer(id);
        } catch (AgentException e) {
            throw agentFailure("start container " + id, e);
        }
        synchronized (lock) {
            if (status == Status.CREATED) {
                status = Status.RUNNING;
            }
        }
        init.watch(() -> {
            synchronized (lock) {
                status = Status.STOPPED;
            }
            sandbox.processExited(this, init);
        });
        sandbox.persist();
    }

    /**
     * Starts a new process in the running container.
     *
     * @param execId unique id of the process within the container
     * @param process the OCI process (args, env, cwd, user, terminal …)
     */
    public ContainerProcess exec(String execId, dev.jkata.proto.agent.Process process) throws SandboxException {
        if (execId == null || execId.isBlank() || execId.equals(id)) {
            throw new SandboxException(Code.INVALID_ARGUMENT, "exec in " + id + ": exec id \"" + execId
                    + "\" must be non-empty and differ from the container id");
        }
        synchronized (lock) {
            requireStatus("exec " + execId, Status.RUNNING);
        }
        ContainerProcess proc = new ContainerProcess(agent, id, execId, process.getTerminal());
        if (execs.putIfAbsent(execId, proc) != null) {
            throw new SandboxException(Code.ALREADY_EXISTS, "exec in " + id + ": exec id " + execId + " already exists");
        }
        try {
            agent.execProcess(ExecProcessRequest.newBuilder()
                    .setContainerId(id).setExecId(execId).setProcess(process).build());
        } catch (AgentException e) {
            execs.remove(execId);
            throw agentFailure("exec " + execId + " in " + id, e);
        }
        proc.watch(() -> sandbox.processExited(this, proc));
        return proc;
    }

    /** Forgets a finished exec process (after the front end reported its exit). */
    public void forgetExec(String execId) {
        execs.remove(execId);
    }

    /**
     * Sends a signal to the init process, or with {@code all} to every process of the container.
     */
    public void signal(int signal, boolean all) throws SandboxException {
        try {
            agent.signalProcess(id, all ? "" : id, signal);
        } catch (AgentException e) {
            throw agentFailure("signal " + signal + " to container " + id, e);
        }
    }

    public void pause() throws SandboxException {
        synchronized (lock) {
            requireStatus("pause", Status.RUNNING);
        }
        try {
            agent.pauseContainer(id);
        } catch (AgentException e) {
            throw agentFailure("pause container " + id, e);
        }
        synchronized (lock) {
            if (status == Status.RUNNING) {
                status = Status.PAUSED;
            }
        }
        sandbox.persist();
    }

    public void resume() throws SandboxException {
        synchronized (lock) {
            requireStatus("resume", Status.PAUSED);
        }
        try {
            agent.resumeContainer(id);
        } catch (AgentException e) {
            throw agentFailure("resume container " + id, e);
        }
        synchronized (lock) {
            if (status == Status.PAUSED) {
                status = Status.RUNNING;
            }
        }
        sandbox.persist();
    }

    public StatsContainerResponse stats() throws SandboxException {
        try {
            return agent.statsContainer(id);
        } catch (AgentException e) {
            throw agentFailure("stats of container " + id, e);
        }
    }

    public void update(LinuxResources resources) throws SandboxException {
        try {
            agent.updateContainer(id, resources);
        } catch (AgentException e) {
            throw agentFailure("update container " + id, e);
        }
    }

    /**
     * Removes the container: RemoveContainer in the guest (kills what still runs; skipped when the
     * VM is gone), then unmounts its rootfs and binds and removes its shared directory. Idempotent.
     */
    public void remove() throws SandboxException {
        synchronized (lock) {
            if (removed) {
                return;
            }
        }
        if (sandbox.vmAlive()) {
            try {
                agent.removeContainer(id, REMOVE_TIMEOUT_SECONDS);
            } catch (AgentException e) {
                if (e.code() != Code.NOT_FOUND && sandbox.vmAlive()) {
                    throw agentFailure("remove container " + id, e);
                }
                LOG.log(System.Logger.Level.DEBUG, "RemoveContainer {0}: {1}", id, e.getMessage());
            }
        }
        List<String> failed;
        synchronized (lock) {
            failed = teardown.run(null);
            removed = true;
            status = Status.STOPPED;
        }
        init.complete(ExitStatus.VM_GONE);
        sandbox.forget(this);
        if (!failed.isEmpty()) {
            throw new SandboxException(Code.INTERNAL, "remove container " + id + ": clean-up failed: " + failed);
        }
    }

    /** Unmounts and removes the host side without asking the agent (sandbox tear-down). */
    List<String> releaseHostSide() {
        synchronized (lock) {
            removed = true;
            status = Status.STOPPED;
            return teardown.run(null);
        }
    }

    /** Every process that has not reported an exit yet. */
    List<ContainerProcess> liveProcesses() {
        List<ContainerProcess> out = new ArrayList<>();
        if (init.exitStatusOrNull() == null) {
            out.add(init);
        }
        execs.values().stream().filter(p -> p.exitStatusOrNull() == null).forEach(out::add);
        return out;
    }

    void markStopped() {
        synchronized (lock) {
            status = Status.STOPPED;
        }
    }

    private void requireStatus(String what, Status expected) throws SandboxException {
        if (removed) {
            throw new SandboxException(Code.NOT_FOUND, what + ": container " + id + " was removed");
        }
        if (status != expected) {
            throw new SandboxException(Code.FAILED_PRECONDITION, what + ": container " + id + " is "
                    + status.text() + ", expected " + expected.text());
        }
    }

    static SandboxException agentFailure(String what, AgentException e) {
        return new SandboxException(e.code(), what + ": " + e.getMessage(), e);
    }
}
