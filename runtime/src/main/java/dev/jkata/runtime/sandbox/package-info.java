/**
 * Sandbox and container lifecycle, orchestration only.
 *
 * <p>{@link dev.jkata.runtime.sandbox.Sandbox#create} makes the state and shared directories, boots
 * the VM through a {@link dev.jkata.hypervisor.Hypervisor}, waits for the agent and sends
 * CreateSandbox; {@link dev.jkata.runtime.sandbox.Sandbox#createContainer} shares the container's
 * rootfs and bind mounts with the guest and sends CreateContainer;
 * {@link dev.jkata.runtime.sandbox.Container} and {@link dev.jkata.runtime.sandbox.ContainerProcess}
 * start, exec, signal, wait, stream stdio, resize, pause, resume, update, report stats and remove;
 * {@link dev.jkata.runtime.sandbox.Sandbox#stop()} tears everything down. Each step registers its
 * undo, so failures leave nothing behind; a VM death completes every wait with status 255.
 */
package dev.jkata.runtime.sandbox;
