package dev.jkata.shim.task;

import java.util.List;

/** A rootfs mount from a CreateTaskRequest. */
public record Mount(String type, String source, String target, List<String> options) {
    public Mount {
        options = List.copyOf(options);
    }
}
