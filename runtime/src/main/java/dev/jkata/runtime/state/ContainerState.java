package dev.jkata.runtime.state;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What is persisted about one container.
 *
 * @param id container id
 * @param bundle the OCI bundle directory on the host
 * @param status lifecycle status ({@code created}, {@code running}, {@code stopped}, {@code paused})
 * @param mounts host mount points made for it (rootfs first, then shared binds), in mount order
 */
public record ContainerState(String id, Path bundle, String status, List<Path> mounts) {
    public ContainerState {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
    }

    public ContainerState withStatus(String newStatus) {
        return new ContainerState(id, bundle, newStatus, mounts);
    }
}
