package dev.jkata.shim.task;

import dev.jkata.shim.ShimException;
import java.util.concurrent.CompletableFuture;

/**
 * One process the shim tracks: a container's init process ({@code execId} empty) or an exec.
 * All fields but the immutable ones are guarded by {@code this}.
 */
final class ShimProcess {
    final String containerId;
    final String execId;
    final Stdio stdio;
    final ExecRequest exec; // null for init processes
    private final CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
    /** Completes when the stdin fifo copy ended, or there is none; CloseIO waits for it. */
    final CompletableFuture<Void> stdinCopied = new CompletableFuture<>();

    // guarded by this
    private ProcessState state;
    private int pid;
    private ExitStatus pendingExit; // an exit seen while Starting, applied when start is recorded
    private StdioConnector.Connection io;

    ShimProcess(String containerId, String execId, Stdio stdio, ExecRequest exec, int pid) {
        this.containerId = containerId;
        this.execId = execId;
        this.stdio = stdio;
        this.exec = exec;
        this.pid = pid;
        this.state = new ProcessState.Created();
    }

    String name() {
        return execId.isEmpty() ? "container " + containerId : "exec " + execId + " of container " + containerId;
    }

    synchronized ProcessState state() {
        return state;
    }

    synchronized int pid() {
        return pid;
    }

    CompletableFuture<ExitStatus> exited() {
        return exited;
    }

    synchronized StdioConnector.Connection io() {
        return io;
    }

    synchronized void attach(StdioConnector.Connection connection) {
        this.io = connection;
    }

    /** Created → Starting; anything else is refused. */
    synchronized void beginStart() {
        switch (state) {
            case ProcessState.Created c -> state = new ProcessState.Starting();
            case ProcessState.Starting s -> throw refused("start", "it is already being started");
            case ProcessState.Running r -> throw refused("start", "it is already running");
            case ProcessState.Paused p -> throw refused("start", "it is paused");
            case ProcessState.Stopped s -> throw refused("start", "it has already exited");
        }
    }

    /** Starting → Running, or → Stopped when the exit was seen first. Returns the exit if so. */
    synchronized ExitStatus finishStart(int startedPid) {
        if (!(state instanceof ProcessState.Starting)) {
            throw new IllegalStateException(name() + " finished starting while " + state.label());
        }
        pid = startedPid;
        if (pendingExit != null) {
            ExitStatus exit = pendingExit;
            pendingExit = null;
            state = new ProcessState.Stopped(pid, exit);
            return exit;
        }
        state = new ProcessState.Running(pid);
        return null;
    }

    /** Starting → Created after the backend failed to start the process. */
    synchronized void failStart() {
        if (state instanceof ProcessState.Starting) {
            state = pendingExit != null ? new ProcessState.Stopped(pid, pendingExit) : new ProcessState.Created();
            pendingExit = null;
        }
    }

    /**
     * Records an exit. Returns true when the exit is now recorded (publish it), false when it is held
     * until start is recorded, or when the process had already stopped.
     */
    synchronized boolean recordExit(ExitStatus exit) {
        switch (state) {
            case ProcessState.Starting s -> {
                if (pendingExit == null) {
                    pendingExit = exit;
                }
                return false;
            }
            case ProcessState.Stopped s -> {
                return false;
            }
            case ProcessState.Created c -> state = new ProcessState.Stopped(pid, exit);
            case ProcessState.Running r -> state = new ProcessState.Stopped(pid, exit);
            case ProcessState.Paused p -> state = new ProcessState.Stopped(pid, exit);
        }
        return true;
    }

    /** Completes waiters; call after the exit is recorded and published. */
    void completeExit(ExitStatus exit) {
        exited.complete(exit);
    }

    synchronized void markPaused() {
        switch (state) {
            case ProcessState.Running r -> state = new ProcessState.Paused(r.pid());
            default -> throw refused("pause", "it is " + state.label());
        }
    }

    synchronized void markResumed() {
        switch (state) {
            case ProcessState.Paused p -> state = new ProcessState.Running(p.pid());
            default -> throw refused("resume", "it is " + state.label() + ", not paused");
        }
    }

    synchronized void checkPausable() {
        if (!(state instanceof ProcessState.Running)) {
            throw refused("pause", "it is " + state.label());
        }
    }

    synchronized void checkResumable() {
        if (!(state instanceof ProcessState.Paused)) {
            throw refused("resume", "it is " + state.label() + ", not paused");
        }
    }

    /** Delete is allowed for processes that were never started or have exited. */
    synchronized ExitStatus checkDeletable() {
        return switch (state) {
            case ProcessState.Stopped s -> s.exit();
            case ProcessState.Created c -> null;
            case ProcessState.Starting s -> throw refused("delete", "it is being started");
            case ProcessState.Running r -> throw refused("delete", "it is running");
            case ProcessState.Paused p -> throw refused("delete", "it is paused");
        };
    }

    private ShimException refused(String verb, String why) {
        return ShimException.precondition("cannot " + verb + " " + name() + ": " + why);
    }
}
