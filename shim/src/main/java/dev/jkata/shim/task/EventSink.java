package dev.jkata.shim.task;

/** Where task events go; {@link #publish} must never block the task service. */
@FunctionalInterface
public interface EventSink {
    void publish(TaskEvent event);
}
