package dev.jkata.runtime.sandbox;

/**
 * Notified of sandbox events (the shim turns them into containerd events). Called on an internal
 * thread; implementations must not block for long.
 */
public interface SandboxListener {

    /** A process ended (init process when {@code execId} equals the container id). */
    default void processExited(String containerId, String execId, ExitStatus status) {
    }

    /** The VM process ended; every process of the sandbox is reported exited as well. */
    default void vmExited(int vmStatus) {
    }
}
