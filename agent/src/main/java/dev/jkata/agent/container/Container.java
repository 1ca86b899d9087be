package dev.jkata.agent.container;

import dev.jkata.agent.AgentException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A container in the guest: its bundle, the storages it holds, its init process and its execs. */
public final class Container {

    private final String id;
    private final Path bundle;
    private final List<Path> storages;
    private final Proc init;
    private final Map<String, Proc> execs = new ConcurrentHashMap<>();
    /** Guarded by this. */
    private ContainerState state = new ContainerState.Created();

    Container(String id, Path bundle, List<Path> storages, boolean terminal) {
        this.id = id;
        this.bundle = bundle;
        this.storages = List.copyOf(storages);
        this.init = new Proc(id, "", terminal);
    }

    public String id() {
        return id;
    }

    public Path bundle() {
        return bundle;
    }

    List<Path> storages() {
        return storages;
    }

    public Proc init() {
        return init;
    }

    /** The current state; a running container whose init exited reads as stopped. */
    public synchronized ContainerState state() {
        if ((state instanceof ContainerState.Running || state instanceof ContainerState.Paused) && init.exited()) {
            state = new ContainerState.Stopped(init.waitExit());
        }
        return state;
    }

    synchronized void setState(ContainerState s) {
        state = s;
    }

    /**
     * The process for an exec id; "" is the init process, and so is the container's own id (the
     * exec id of the init process in CreateContainer, which Kata's runtime sends for it).
     */
    public Proc process(String execId) {
        if (execId.isEmpty() || execId.equals(id)) {
            return init;
        }
        Proc p = execs.get(execId);
        if (p == null) {
            throw AgentException.notFound("container " + id + " has no process with exec id '" + execId + "'");
        }
        return p;
    }

    /** Registers a new exec; an id still in use by a live process is refused. */
    Proc addExec(String execId, boolean terminal) {
        Proc fresh = new Proc(id, execId, terminal);
        Proc old = execs.putIfAbsent(execId, fresh);
        if (old != null) {
            if (!old.exited()) {
                throw AgentException.exists("container " + id + " already has a running exec with id '" + execId + "'");
            }
            old.release();
            execs.put(execId, fresh);
        }
        return fresh;
    }

    void removeExec(String execId) {
        Proc p = execs.remove(execId);
        if (p != null) {
            p.release();
        }
    }

    /** Forgets this exec process unless its id was reused meanwhile; true when it was removed. */
    boolean forgetExec(Proc p) {
        if (execs.remove(p.execId(), p)) {
            p.release();
            return true;
        }
        return false;
    }

    Iterable<Proc> execs() {
        return List.copyOf(execs.values());
    }
}
