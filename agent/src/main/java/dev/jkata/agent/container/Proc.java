package dev.jkata.agent.container;

import dev.jkata.agent.AgentException;
import dev.jkata.agent.os.ConsoleSocket;
import dev.jkata.agent.os.Native;
import dev.jkata.ttrpc.Code;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One process of a container, the init process (exec id "") or an exec: the foreground
 * runtime command that runs it, its stdio and its exit status.
 */
public final class Proc {

    private static final System.Logger LOG = System.getLogger(Proc.class.getName());
    /** Under TCG a container start can take many seconds. */
    static final long START_TIMEOUT_MS = 120_000;
    /** Status when the process never ran (removed before start, or the runtime failed). */
    public static final int NEVER_RAN = 255;

    private final String containerId;
    private final String execId;
    private final boolean terminal;
    private final CompletableFuture<Stdio> stdio = new CompletableFuture<>();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile int pid;
    private volatile java.lang.Process runtime;

    public Proc(String containerId, String execId, boolean terminal) {
        this.containerId = containerId;
        this.execId = execId;
        this.terminal = terminal;
    }

    public String execId() {
        return execId;
    }

    public boolean terminal() {
        return terminal;
    }

    public int pid() {
        return pid;
    }

    public boolean exited() {
        return exit.isDone();
    }

    private String name() {
        return execId.isEmpty() ? "container " + containerId : "exec " + execId + " of container " + containerId;
    }

    /**
     * Starts the runtime command and returns once the process runs (its pid file is written)
     * or fails with the runtime's error.
     *
     * @param builder       the runtime's {@code run} or {@code exec} command
     * @param consoleSocket where to receive the pty master (terminal processes only)
     */
    public void start(ProcessBuilder builder, Path consoleSocket, Path pidFile, Path logFile) {
        ConsoleSocket socket = null;
        Stdio io = null;
        try {
            Files.deleteIfExists(pidFile);
            if (terminal) {
                Files.deleteIfExists(consoleSocket);
                socket = ConsoleSocket.listen(consoleSocket);
                builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.resolveSibling(
                                logFile.getFileName() + ".out").toFile()));
            }
            java.lang.Process p = builder.start();
            runtime = p;
            if (terminal) {
                io = new Stdio.Tty(socket.receiveMaster(p::isAlive, START_TIMEOUT_MS), p);
            } else {
                io = new Stdio.Pipes(p);
            }
            awaitPid(p, pidFile, logFile);
            stdio.complete(io);
            Thread.ofPlatform().daemon().name("wait-" + containerId + "-" + execId).start(() -> reap(p));
            LOG.log(System.Logger.Level.INFO, "started " + name() + " as pid " + pid);
        } catch (IOException e) {
            fail(AgentException.internal("starting " + name() + ": " + e.getMessage(), e), io);
        } catch (AgentException e) {
            fail(e, io);
        } finally {
            if (socket != null) {
                socket.close();
            }
        }
    }

    private void fail(AgentException e, Stdio io) {
        java.lang.Process p = runtime;
        if (p != null) {
            p.destroyForcibly();
        }
        if (io != null) {
            io.release();
        }
        stdio.completeExceptionally(e);
        exit.complete(NEVER_RAN);
        throw e;
    }

    private void awaitPid(java.lang.Process p, Path pidFile, Path logFile) {
        long deadline = System.nanoTime() + START_TIMEOUT_MS * 1_000_000L;
        while (true) {
            int found = readPid(pidFile);
            if (found > 0) {
                pid = found;
                return;
            }
            if (!p.isAlive()) {
                found = readPid(pidFile);
                if (found > 0) {
                    pid = found;
                    return;
                }
                String why = OciRuntime.tail(logFile);
                if (why.isEmpty()) {
                    why = OciRuntime.tail(logFile.resolveSibling(logFile.getFileName() + ".out"));
                }
                throw new AgentException(Code.INTERNAL, "starting " + name() + ": the runtime exited with status "
                        + p.exitValue() + (why.isEmpty() ? "" : ": " + why));
            }
            if (System.nanoTime() > deadline) {
                throw AgentException.internal("starting " + name() + ": no pid file " + pidFile + " after "
                        + START_TIMEOUT_MS + " ms", null);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw AgentException.internal("interrupted starting " + name(), e);
            }
        }
    }

    private static int readPid(Path pidFile) {
        try {
            String s = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
            return s.isEmpty() ? 0 : Integer.parseInt(s);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private void reap(java.lang.Process p) {
        int status;
        try {
            status = ExitStatus.fromRuntime(p.waitFor());
        } catch (InterruptedException e) {
            status = NEVER_RAN;
        }
        LOG.log(System.Logger.Level.INFO, name() + " exited with status " + status);
        exit.complete(status);
    }

    /** Marks a process that will never start (its container is removed first). */
    public void abandon() {
        stdio.completeExceptionally(AgentException.precondition(name() + " was never started"));
        exit.complete(NEVER_RAN);
    }

    /** Blocks until the process exits; returns its status (n for exit(n), 128+sig for a signal). */
    public int waitExit() {
        try {
            return exit.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AgentException.internal("interrupted waiting for " + name(), e);
        } catch (ExecutionException e) {
            throw AgentException.internal("waiting for " + name() + ": " + e.getCause(), e.getCause());
        }
    }

    /** Waits up to {@code millis}; true when the process has exited. */
    public boolean awaitExit(long millis) {
        try {
            exit.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return exit.isDone();
        } catch (ExecutionException e) {
            return true;
        }
    }

    /** The stdio, waiting for the process to start; empty when it never did. */
    public java.util.Optional<Stdio> stdio() {
        try {
            return java.util.Optional.of(stdio.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        } catch (ExecutionException e) {
            return java.util.Optional.empty();
        }
    }

    /** Sends a signal to the process; a process that already exited is not an error. */
    public void signal(int signal) {
        if (exit.isDone()) {
            return;
        }
        int p = pid;
        if (p <= 0) {
            if (signal == 9 || signal == 15) {
                abandon();
                return;
            }
            throw AgentException.precondition(name() + " is not running");
        }
        try {
            Native.kill(p, signal);
        } catch (AgentException e) {
            if (!exit.isDone()) {
                throw e;
            }
        }
    }

    /** Closes what the process left behind. */
    public void release() {
        if (stdio.isDone() && !stdio.isCompletedExceptionally()) {
            stdio.join().release();
        }
        java.lang.Process p = runtime;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
        }
    }
}
