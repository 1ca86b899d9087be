package dev.jkata.hypervisor;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** A running VM started by a {@link Hypervisor}. Thread-safe. */
public interface VirtualMachine extends AutoCloseable {

    /** Where the host connects to the kata agent in this guest. */
    AgentEndpoint agentEndpoint();

    /** Pauses every vCPU (QMP {@code stop}). */
    void pause() throws HypervisorException;

    /** Resumes after {@link #pause()} (QMP {@code cont}). */
    void resume() throws HypervisorException;

    /**
     * Ends the VM: a graceful quit first, then SIGKILL after a short grace period; also ends helper
     * daemons (virtiofsd). Idempotent, never throws, removes no files.
     */
    void stop();

    /**
     * Completes with the VMM's exit code (within about a second) when the VMM process dies, for
     * any reason: {@link #stop()}, guest power-off, crash, or an outside kill.
     */
    CompletableFuture<Integer> exited();

    /** The host pid of the VMM process. */
    long pid();

    /** The accelerator the VM actually runs with. */
    Accelerator accelerator();

    /** The file the guest's serial console is written to. */
    Path consoleLog();

    /**
     * One line on what a guest that does not answer is doing (VMM responsive, run state, vCPUs busy or
     * halted and where), for error messages. Never throws; empty when the VMM cannot say.
     */
    default String diagnose() {
        return "";
    }

    @Override
    default void close() {
        stop();
    }
}
