package dev.jkata.runtime.sandbox;

import dev.jkata.proto.agent.Mount;
import dev.jkata.proto.agent.Storage;
import dev.jkata.runtime.storage.HostMounts;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Bind mounts that become guest-local memory instead of going through the shared directory, as upstream
 * Kata does:
 * <ul>
 *   <li>an emptyDir with {@code medium: Memory} (a source under {@code kubernetes.io~empty-dir} that is a
 *   tmpfs mount on the host) becomes an {@code ephemeral} storage: one guest tmpfs at
 *   {@value #EPHEMERAL_DIR}{@code <volume>}, which the container bind-mounts. Every container of the pod
 *   that mounts the volume names the same storage; the agent mounts it once and counts its users, so
 *   they share it;</li>
 *   <li>a {@code /dev/shm} bind of a host tmpfs (the CRI sandbox's {@code …/sandboxes/<id>/shm}, Docker's
 *   {@code …/mounts/shm}) becomes the sandbox's guest shm at {@value #SHM_DIR} (a tmpfs of the host
 *   mount's size, 64 MiB when unknown), shared by the pod's containers as on a host.</li>
 * </ul>
 * Disk-backed emptyDirs and other binds stay shared through virtio-fs. Pure, given the mount table.
 */
final class GuestVolumes {

    /** The guest directory of sandbox-wide storage (upstream's {@code kataGuestSandboxDir}). */
    static final String SANDBOX_DIR = "/run/kata-containers/sandbox/";
    /** Where ephemeral volumes are mounted in the guest. */
    static final String EPHEMERAL_DIR = SANDBOX_DIR + "ephemeral/";
    /** The sandbox's shared memory in the guest. */
    static final String SHM_DIR = SANDBOX_DIR + "shm";
    /** The path component that marks a Kubernetes emptyDir volume. */
    static final String EMPTY_DIR_MARK = "kubernetes.io~empty-dir";
    /** Upstream's default shm size (64 MiB). */
    static final long DEFAULT_SHM_BYTES = 64L * 1024 * 1024;

    /**
     * A mount made guest-local.
     *
     * @param guestMount the spec's mount as the guest gets it (a bind of a guest path)
     * @param storage what the agent must mount first
     */
    record Local(Mount guestMount, Storage storage) {
    }

    private final Function<Path, Optional<HostMounts.Entry>> hostMounts;

    /** With the host's real mount table. */
    GuestVolumes() {
        this(HostMounts::at);
    }

    /** With another mount table (tests): a host path → the mount whose mount point it is. */
    GuestVolumes(Function<Path, Optional<HostMounts.Entry>> hostMounts) {
        this.hostMounts = hostMounts;
    }

    /** The guest-local form of {@code m}, or empty when it stays as it is (shared or guest-side). */
    Optional<Local> of(Mount m) {
        if (!ContainerStorage.isSharedBind(m)) {
            return Optional.empty();
        }
        Path source = Path.of(m.getSource()).normalize();
        Optional<HostMounts.Entry> tmpfs = hostMounts.apply(realPath(source))
                .filter(e -> e.fstype().equals("tmpfs"));
        if (tmpfs.isEmpty()) {
            return Optional.empty();
        }
        if (m.getDestination().equals("/dev/shm")) {
            long size = tmpfs.get().sizeBytes().orElse(DEFAULT_SHM_BYTES);
            Storage storage = Storage.newBuilder().setDriver("ephemeral").setSource("shm").setFstype("tmpfs")
                    .addAllOptions(List.of("noexec", "nosuid", "nodev", "mode=1777", "size=" + size))
                    .setMountPoint(SHM_DIR).build();
            Mount guest = m.toBuilder().setType("bind").setSource(SHM_DIR).clearOptions().addOptions("rbind")
                    .build();
            return Optional.of(new Local(guest, storage));
        }
        if (isEmptyDir(source)) {
            String guestPath = EPHEMERAL_DIR + source.getFileName();
            Storage storage = Storage.newBuilder().setDriver("ephemeral").setSource("tmpfs").setFstype("tmpfs")
                    .setMountPoint(guestPath).build();
            // the options stay: "ro" keeps a read-only mount read-only in the container
            Mount guest = m.toBuilder().setType("bind").setSource(guestPath).build();
            return Optional.of(new Local(guest, storage));
        }
        return Optional.empty();
    }

    /** The path with symbolic links resolved (mountinfo names real paths), or as it is when that fails. */
    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (java.io.IOException e) {
            return p;
        }
    }

    /** {@code …/kubernetes.io~empty-dir/<volume>}. */
    static boolean isEmptyDir(Path source) {
        Path parent = source.getParent();
        return parent != null && parent.getFileName() != null
                && parent.getFileName().toString().equals(EMPTY_DIR_MARK) && source.getFileName() != null;
    }
}
