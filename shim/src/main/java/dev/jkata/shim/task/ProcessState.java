package dev.jkata.shim.task;

/** The life of a container's init process or an exec'd process. */
public sealed interface ProcessState {
    /** Created (or recorded, for an exec) and not started. */
    record Created() implements ProcessState {}

    /** Start was asked for and has not returned yet; an exit seen now is kept until it does. */
    record Starting() implements ProcessState {}

    record Running(int pid) implements ProcessState {}

    record Paused(int pid) implements ProcessState {}

    record Stopped(int pid, ExitStatus exit) implements ProcessState {}

    /** containerd's task.Status numbers: CREATED = 1, RUNNING = 2, STOPPED = 3, PAUSED = 4. */
    default int statusCode() {
        return switch (this) {
            case Created c -> 1;
            case Starting s -> 1;
            case Running r -> 2;
            case Stopped s -> 3;
            case Paused p -> 4;
        };
    }

    default String label() {
        return switch (this) {
            case Created c -> "created";
            case Starting s -> "starting";
            case Running r -> "running";
            case Stopped s -> "stopped";
            case Paused p -> "paused";
        };
    }
}
