package dev.jkata.hypervisor.qemu;

import dev.jkata.hypervisor.Accelerator;
import dev.jkata.hypervisor.AgentEndpoint;
import dev.jkata.hypervisor.HypervisorException;
import dev.jkata.hypervisor.VirtualMachine;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A running QEMU process, its QMP connection and its virtiofsd (if any). */
final class QemuVm implements VirtualMachine {

    private static final System.Logger LOG = System.getLogger(QemuVm.class.getName());
    static final Duration QMP_TIMEOUT = Duration.ofSeconds(10);
    /** How long a graceful quit may take before SIGKILL. */
    static final Duration QUIT_GRACE = Duration.ofSeconds(3);

    private final String id;
    private final Process qemu;
    private final Optional<Process> virtiofsd;
    private final QmpClient qmp;
    private final AgentEndpoint agentEndpoint;
    private final Accelerator accelerator;
    private final Path consoleLog;
    private final CompletableFuture<Integer> exited;
    /** Guards {@link #stop()} so that concurrent callers do the work once. */
    private final Object stopLock = new Object();

    QemuVm(String id, Process qemu, Optional<Process> virtiofsd, QmpClient qmp, AgentEndpoint agentEndpoint,
            Accelerator accelerator, Path consoleLog) {
        this.id = id;
        this.qemu = qemu;
        this.virtiofsd = virtiofsd;
        this.qmp = qmp;
        this.agentEndpoint = agentEndpoint;
        this.accelerator = accelerator;
        this.consoleLog = consoleLog;
        // The JDK reaps the child as soon as it dies, so this fires within milliseconds.
        this.exited = qemu.onExit().thenApply(p -> {
            int code = p.exitValue();
            virtiofsd.ifPresent(v -> {
                v.destroy();
                if (!Processes.waitFor(v, Duration.ofMillis(300))) {
                    Processes.kill(v);
                }
            });
            qmp.close();
            LOG.log(Level.INFO, "VM " + id + ": QEMU pid " + p.pid() + " exited with status " + code);
            return code;
        });
    }

    @Override
    public AgentEndpoint agentEndpoint() {
        return agentEndpoint;
    }

    @Override
    public void pause() throws HypervisorException {
        command("stop");
    }

    @Override
    public void resume() throws HypervisorException {
        command("cont");
    }

    /** QMP {@code query-status}: {@code running}, {@code paused}, … */
    String status() throws HypervisorException {
        requireAlive("query-status");
        return qmp.queryStatus(QMP_TIMEOUT);
    }

    @Override
    public String diagnose() {
        if (!qemu.isAlive()) {
            return "QEMU (pid " + qemu.pid() + ") is not running";
        }
        String d = GuestDiagnosis.of(qemu.pid(), qmp);
        return virtiofsd.map(v -> d + "; virtiofsd pid " + v.pid() + (v.isAlive() ? " running" : " exited"))
                .orElse(d);
    }

    QmpClient qmp() {
        return qmp;
    }

    Optional<Process> virtiofsd() {
        return virtiofsd;
    }

    private void command(String name) throws HypervisorException {
        requireAlive(name);
        qmp.execute(name, Map.of(), QMP_TIMEOUT);
    }

    private void requireAlive(String what) throws HypervisorException {
        if (!qemu.isAlive()) {
            throw new HypervisorException("VM " + id + ": cannot " + what + ", QEMU (pid " + qemu.pid()
                    + ") is not running");
        }
    }

    @Override
    public void stop() {
        synchronized (stopLock) {
            if (qemu.isAlive()) {
                try {
                    qmp.execute("quit", Map.of(), Duration.ofSeconds(1));
                } catch (HypervisorException e) {
                    // QEMU may close the socket before answering; the process check below decides
                    LOG.log(Level.DEBUG, "VM " + id + ": QMP quit: " + e.getMessage());
                }
                if (!Processes.waitFor(qemu, QUIT_GRACE)) {
                    LOG.log(Level.WARNING, "VM " + id + ": QEMU pid " + qemu.pid() + " ignored quit, killing it");
                    Processes.kill(qemu);
                }
            }
            try {
                exited.get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.log(Level.WARNING, "VM " + id + ": waiting for QEMU's exit handling", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            virtiofsd.ifPresent(v -> Processes.terminate(v, Duration.ofSeconds(1)));
            qmp.close();
        }
    }

    @Override
    public CompletableFuture<Integer> exited() {
        return exited.copy();
    }

    @Override
    public long pid() {
        return qemu.pid();
    }

    @Override
    public Accelerator accelerator() {
        return accelerator;
    }

    @Override
    public Path consoleLog() {
        return consoleLog;
    }

    @Override
    public String toString() {
        return "QemuVm[" + id + ", pid " + qemu.pid() + ", " + accelerator + "]";
    }
}
