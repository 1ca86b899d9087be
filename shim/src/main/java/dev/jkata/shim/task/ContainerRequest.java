package dev.jkata.shim.task;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A container to create, as the task service hands it to the backend.
 *
 * @param configPath the Kata configuration file chosen by the runtime options or KATA_CONF_FILE;
 *                   empty means the default lookup
 */
public record ContainerRequest(String id, Path bundle, List<Mount> rootfs, Stdio stdio, Optional<Path> configPath) {
    public ContainerRequest {
        rootfs = List.copyOf(rootfs);
    }
}
