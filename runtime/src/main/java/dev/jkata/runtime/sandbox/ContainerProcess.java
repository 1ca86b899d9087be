package dev.jkata.runtime.sandbox;

import dev.jkata.runtime.agent.AgentClient;
import dev.jkata.runtime.agent.AgentException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * One process in a container: the init process (exec id = container id) or an exec. Gives front
 * ends blocking streams for its stdio and a completion for its exit. Thread-safe.
 */
public final class ContainerProcess {

    private static final System.Logger LOG = System.getLogger(ContainerProcess.class.getName());

    private final AgentClient agent;
    private final String containerId;
    private final String execId;
    private final boolean terminal;
    private final CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
    private final Object streamLock = new Object();
    private InputStream stdout; // guarded by streamLock
    private InputStream stderr; // guarded by streamLock
    private OutputStream stdin; // guarded by streamLock

    ContainerProcess(AgentClient agent, String containerId, String execId, boolean terminal) {
        this.agent = agent;
        this.containerId = containerId;
        this.execId = execId;
        this.terminal = terminal;
    }

    public String containerId() {
        return containerId;
    }

    /** The exec id; equals the container id for the init process. */
    public String execId() {
        return execId;
    }

    /** True when the process has a terminal (stdout and stderr are the same stream). */
    public boolean terminal() {
        return terminal;
    }

    /**
     * The process's stdout (with a terminal: the terminal's output), read from the agent. The same
     * stream is returned on every call; it ends when the process closed its output.
     */
    public InputStream stdout() {
        synchronized (streamLock) {
            if (stdout == null) {
                stdout = new AgentStreams.OutputStreamReader(agent, containerId, execId, AgentStreams.Output.STDOUT);
            }
            return stdout;
        }
    }

    /** The process's stderr; empty at once for a terminal process. Same stream on every call. */
    public InputStream stderr() {
        synchronized (streamLock) {
            if (stderr == null) {
                stderr = terminal ? InputStream.nullInputStream()
                        : new AgentStreams.OutputStreamReader(agent, containerId, execId, AgentStreams.Output.STDERR);
            }
            return stderr;
        }
    }

    /** The process's stdin; closing it closes the process's stdin. Same stream on every call. */
    public OutputStream stdin() {
        synchronized (streamLock) {
            if (stdin == null) {
                stdin = new AgentStreams.StdinWriter(agent, containerId, execId);
            }
            return stdin;
        }
    }

    /** Completes when the process exits (or with {@link ExitStatus#VM_GONE} when the VM dies). */
    public CompletableFuture<ExitStatus> exited() {
        return exited.copy();
    }

    /** Sends a signal to the process. */
    public void signal(int signal) throws SandboxException {
        try {
            agent.signalProcess(containerId, execId, signal);
        } catch (AgentException e) {
            throw Container.agentFailure("signal " + signal + " to " + containerId + "/" + execId, e);
        }
    }

    /** Resizes the process's terminal. */
    public void resize(int rows, int columns) throws SandboxException {
        try {
            agent.ttyWinResize(containerId, execId, rows, columns);
        } catch (AgentException e) {
            throw Container.agentFailure("resize terminal of " + containerId + "/" + execId, e);
        }
    }

    /** Closes the process's stdin (EOF), whether or not {@link #stdin()} was used. */
    public void closeStdin() throws SandboxException {
        try {
            agent.closeStdin(containerId, execId);
        } catch (AgentException e) {
            throw Container.agentFailure("close stdin of " + containerId + "/" + execId, e);
        }
    }

    /** Starts the thread that waits for the process in the guest. */
    void watch(Runnable onExit) {
        Thread.ofVirtual().name("wait " + containerId + "/" + execId).start(() -> {
            int code;
            try {
                code = agent.waitProcess(containerId, execId);
            } catch (AgentException e) {
                LOG.log(agent.isClosed() ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
                        "WaitProcess {0}/{1} failed, reporting status {2}: {3}", containerId, execId,
                        ExitStatus.VM_GONE, e.getMessage());
                code = ExitStatus.VM_GONE;
            }
            if (complete(code)) {
                onExit.run();
            }
        });
    }

    /** Records the exit; true when this call did it (first report wins). */
    boolean complete(int code) {
        return exited.complete(new ExitStatus(code, Instant.now()));
    }

    /** The exit status if the process has exited. */
    ExitStatus exitStatusOrNull() {
        return exited.getNow(null);
    }
}
