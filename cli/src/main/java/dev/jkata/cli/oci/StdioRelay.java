package dev.jkata.cli.oci;

import dev.jkata.runtime.sandbox.ContainerProcess;
import dev.jkata.runtime.sandbox.ExitStatus;
import dev.jkata.runtime.sandbox.SandboxException;
import dev.jkata.sys.Fd;
import dev.jkata.sys.FdInputStream;
import dev.jkata.sys.FdOutputStream;
import dev.jkata.sys.Sys;
import dev.jkata.sys.SysException;
import dev.jkata.sys.WindowSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Carries one container process's stdio between the host descriptors the engine gave
 * ({@code create}/{@code exec}'s stdin/stdout/stderr, or the slave of the pty whose master went to
 * {@code --console-socket}) and the process in the guest, then reports the exit code on the
 * pid-file process's exit pipe. Order at exit: outputs drained, host stdio closed, exit code
 * written — so the engine has all output once the pid-file process exits.
 */
final class StdioRelay {

    private static final System.Logger LOG = System.getLogger(StdioRelay.class.getName());
    /** How long output may still arrive after the process exited. */
    private static final long DRAIN_MILLIS = 3000;
    private static final long WINSIZE_POLL_MILLIS = 250;
    private static final long CLIENT_EXIT_WAIT_SECONDS = 60;

    /**
     * The host ends.
     *
     * @param stdin where input comes from (null: none)
     * @param stdout where output goes (the pty slave for a terminal)
     * @param stderr where errors go (null for a terminal)
     * @param exit write end of the exit pipe (null: nobody waits for the code)
     * @param terminal whether {@code stdin}/{@code stdout} are a pty slave
     */
    record HostEnds(Fd stdin, Fd stdout, Fd stderr, Fd exit, boolean terminal) {
        void closeAll() {
            for (Fd fd : new Fd[] {stdin, stdout, stderr, exit}) {
                if (fd != null) {
                    fd.close();
                }
            }
        }
    }

    private final ContainerProcess process;
    private final HostEnds ends;
    private final Sys sys;
    private final long clientPid;
    private final CompletableFuture<Integer> done = new CompletableFuture<>();

    /**
     * @param clientPid the {@code create}/{@code exec} process that started the pid-file process (0: none).
     *     The exit code is written only after it exited: until then the pid-file process is its
     *     child, and the JDK in it would reap the pid-file process before the engine could.
     */
    StdioRelay(ContainerProcess process, HostEnds ends, Sys sys, long clientPid) {
        this.process = process;
        this.ends = ends;
        this.sys = sys;
        this.clientPid = clientPid;
    }

    /** Completes with the exit code once the code was handed to the pid-file process. */
    CompletableFuture<Integer> done() {
        return done;
    }

    /**
     * Starts copying and waiting. {@code beforeExitReported} runs with the exit code after the
     * outputs are drained and before the pid-file process learns the code (to persist the state).
     */
    void start(IntConsumer beforeExitReported) {
        List<Thread> outputs = new ArrayList<>();
        if (ends.stdout() != null) {
            outputs.add(copyOut("stdout", process.stdout(), new FdOutputStream(ends.stdout())));
        }
        if (ends.stderr() != null && !ends.terminal()) {
            outputs.add(copyOut("stderr", process.stderr(), new FdOutputStream(ends.stderr())));
        }
        if (ends.stdin() != null) {
            Thread.ofPlatform().daemon().name("stdin " + process.execId()).start(this::copyIn);
        }
        if (ends.terminal() && ends.stdout() != null) {
            Thread.ofPlatform().daemon().name("winsize " + process.execId()).start(this::followWindowSize);
        }
        process.exited().whenComplete((status, error) -> Thread.ofPlatform().daemon()
                .name("exit " + process.execId()).start(() -> {
                    int code = status == null ? ExitStatus.VM_GONE : status.code();
                    for (Thread t : outputs) {
                        try {
                            t.join(DRAIN_MILLIS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    finish(code, beforeExitReported);
                }));
    }

    /** Reports {@code code} without the process having run (a container deleted before start). */
    void abandon(int code, IntConsumer beforeExitReported) {
        finish(code, beforeExitReported);
    }

    private synchronized void finish(int code, IntConsumer beforeExitReported) {
        if (done.isDone()) {
            return;
        }
        for (Fd fd : new Fd[] {ends.stdin(), ends.stdout(), ends.stderr()}) {
            if (fd != null) {
                fd.close();
            }
        }
        try {
            beforeExitReported.accept(code);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "recording the exit of " + process.execId() + ": " + e, e);
        }
        if (clientPid > 0) {
            try {
                ProcessHandle.of(clientPid).ifPresent(h -> {
                    try {
                        h.onExit().get(CLIENT_EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        LOG.log(System.Logger.Level.WARNING, "client {0} of {1} still runs; reporting the exit anyway",
                                clientPid, process.execId());
                    }
                });
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "waiting for client {0}: {1}", clientPid, e.getMessage());
            }
        }
        if (ends.exit() != null) {
            try (OutputStream out = new FdOutputStream(ends.exit())) {
                out.write((code + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException | SysException e) {
                LOG.log(System.Logger.Level.DEBUG, "exit pipe of {0}: {1}", process.execId(), e.getMessage());
            }
        }
        done.complete(code);
    }

    private Thread copyOut(String what, InputStream from, OutputStream to) {
        return Thread.ofPlatform().daemon().name(what + " " + process.execId()).start(() -> {
            byte[] buf = new byte[32 * 1024];
            boolean hostOpen = true;
            try {
                int n;
                while ((n = from.read(buf)) >= 0) {
                    if (hostOpen) {
                        try {
                            to.write(buf, 0, n);
                        } catch (IOException | SysException e) {
                            LOG.log(System.Logger.Level.DEBUG, "{0} of {1}: host side closed: {2}", what,
                                    process.execId(), e.getMessage());
                            hostOpen = false; // keep draining so the guest process never blocks
                        }
                    }
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "{0} of {1} ended: {2}", what, process.execId(), e.getMessage());
            }
        });
    }

    private void copyIn() {
        InputStream in = new FdInputStream(ends.stdin(), true);
        OutputStream to = process.stdin();
        byte[] buf = new byte[32 * 1024];
        try {
            int n;
            while (!done.isDone() && (n = in.read(buf)) >= 0) {
                to.write(buf, 0, n);
                to.flush();
            }
            if (!done.isDone()) {
                to.close();
            }
        } catch (IOException | SysException e) {
            LOG.log(System.Logger.Level.DEBUG, "stdin of {0} ended: {1}", process.execId(), e.getMessage());
        }
    }

    private void followWindowSize() {
        WindowSize last = null;
        while (!done.isDone()) {
            try {
                WindowSize now = sys.windowSize(ends.stdout().value());
                if (!now.equals(last) && now.rows() > 0 && now.cols() > 0) {
                    process.resize(now.rows(), now.cols());
                    last = now;
                }
            } catch (SysException | SandboxException e) {
                LOG.log(System.Logger.Level.DEBUG, "window size of {0}: {1}", process.execId(), e.getMessage());
                if (done.isDone()) {
                    return;
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(WINSIZE_POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
