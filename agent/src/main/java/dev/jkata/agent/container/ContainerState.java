package dev.jkata.agent.container;

/** The life of a container in the guest; each state allows only some calls. */
public sealed interface ContainerState {

    /** Bundle written, process not started. */
    record Created() implements ContainerState {
    }

    record Running(int pid) implements ContainerState {
    }

    record Paused(int pid) implements ContainerState {
    }

    record Stopped(int exitStatus) implements ContainerState {
    }

    static String name(ContainerState s) {
        return switch (s) {
            case Created c -> "created";
            case Running r -> "running";
            case Paused p -> "paused";
            case Stopped st -> "stopped";
        };
    }
}
