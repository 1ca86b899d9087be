package dev.jkata.shim.task;

/** Boots a sandbox for its first container. */
@FunctionalInterface
public interface SandboxFactory {
    /** A sandbox whose first container (the request) is created but not started. */
    record Created(SandboxBackend sandbox, int pid) {}

    Created createSandbox(ContainerRequest first);
}
