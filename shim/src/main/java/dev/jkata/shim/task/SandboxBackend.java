package dev.jkata.shim.task;

import com.google.protobuf.Any;
import java.util.concurrent.CompletionStage;

/**
 * What the task service needs from a running sandbox (a VM and its agent). Every method may throw
 * {@link dev.jkata.shim.ShimException}. Process ids are what the shim reports to containerd.
 */
public interface SandboxBackend {
    /** Creates a further container in this sandbox; returns its pid. */
    int createContainer(ContainerRequest request);

    /** Starts a created container; returns its pid. */
    int startContainer(String containerId);

    /** Starts an extra process in a running container; returns its pid. */
    int startExec(String containerId, ExecRequest exec);

    /** The stdio of a container's init process ({@code execId} empty) or of an exec. */
    ProcessStreams streams(String containerId, String execId);

    /** Blocks until the process ends; returns promptly with an error or an exit when the VM dies. */
    ExitStatus waitProcess(String containerId, String execId);

    void signal(String containerId, String execId, int signal, boolean all);

    void pause(String containerId);

    void resume(String containerId);

    void resizePty(String containerId, String execId, int width, int height);

    void closeStdin(String containerId, String execId);

    /** Applies OCI LinuxResources (containerd's Any, JSON inside). */
    void update(String containerId, Any resources);

    /** Container metrics as containerd expects them: an Any of io.containerd.cgroups.v1.Metrics (or v2). */
    Any stats(String containerId);

    /**
     * Starts telling {@code listener} the id of every container that hits an OOM in the guest, until
     * the sandbox stops. Backends without OOM reporting ignore it.
     */
    default void watchOom(java.util.function.Consumer<String> listener) {}

    /** Drops what the backend keeps of a finished exec (after its Delete). */
    default void forgetExec(String containerId, String execId) {}

    /** Removes a container (stopping it if needed) and its host resources. */
    void deleteContainer(String containerId);

    /** Stops the VM and removes the sandbox's host state; idempotent. */
    void shutdown();

    /** Completes (with a reason) when the VM ends without {@link #shutdown}. */
    CompletionStage<String> vmExited();
}
