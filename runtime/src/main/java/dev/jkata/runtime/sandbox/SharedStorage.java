package dev.jkata.runtime.sandbox;

import dev.jkata.proto.agent.Storage;
import dev.jkata.runtime.config.SharedFsType;
import java.util.Optional;

/** The CreateSandbox storage that mounts the shared directory in the guest (CONVENTIONS.md). */
final class SharedStorage {

    private SharedStorage() {
    }

    static Optional<Storage> forConfig(SharedFsType type) {
        return switch (type) {
            case VIRTIO_FS -> Optional.of(Storage.newBuilder()
                    .setDriver("virtio-fs")
                    .setSource(Sandbox.SHARED_TAG)
                    .setFstype("virtiofs")
                    .setMountPoint(ContainerStorage.GUEST_SHARED)
                    .build());
            case VIRTIO_9P -> Optional.of(Storage.newBuilder()
                    .setDriver("9p")
                    .setSource(Sandbox.SHARED_TAG)
                    .setFstype("9p")
                    .addOptions("trans=virtio")
                    .addOptions("version=9p2000.L")
                    .addOptions("msize=262144")
                    .setMountPoint(ContainerStorage.GUEST_SHARED)
                    .build());
            case NONE -> Optional.empty();
        };
    }
}
