package dev.jkata.runtime.sandbox;

import dev.jkata.proto.agent.Linux;
import dev.jkata.proto.agent.LinuxNamespace;
import dev.jkata.proto.agent.Mount;
import dev.jkata.proto.agent.Root;
import dev.jkata.proto.agent.Spec;
import dev.jkata.proto.agent.Storage;
import dev.jkata.runtime.oci.OciBundle;
import dev.jkata.runtime.state.SandboxCleaner;
import dev.jkata.runtime.storage.LinuxMounter;
import dev.jkata.runtime.storage.Mounter;
import dev.jkata.runtime.storage.StorageException;
import dev.jkata.ttrpc.Code;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Makes a container's files visible in the guest through the sandbox's shared directory: mounts
 * the rootfs at {@code <shared>/<cid>/rootfs}, bind-mounts host files and directories of the spec's
 * bind mounts under {@code <shared>/<cid>/mounts/}, and rewrites the spec to the guest paths (keeping
 * each mount's options, so a read-only bind stays read-only for crun). Memory-backed emptyDirs and the
 * pod's {@code /dev/shm} become guest-local storage instead ({@link GuestVolumes}).
 * Every mount registers its undo step.
 */
final class ContainerStorage {

    /** Where the guest mounts the shared directory (CONVENTIONS.md). */
    static final String GUEST_SHARED = "/run/kata-containers/shared/containers/";

    /** Host paths whose bind mounts are not shared: they name guest kernel interfaces. */
    private static final List<Path> GUEST_LOCAL = List.of(Path.of("/proc"), Path.of("/sys"), Path.of("/dev"));

    /** Namespaces dropped from the guest spec: the VM is the network and cgroup boundary. */
    private static final Set<String> DROPPED_NAMESPACES = Set.of("network", "cgroup");

    /**
     * The result of preparing a container.
     *
     * @param guestSpec the spec to send in CreateContainer
     * @param mounts host mount points made, in mount order
     * @param storages guest-local storages the agent must mount for it (emptyDir tmpfs, sandbox shm)
     */
    record Prepared(Spec guestSpec, List<Path> mounts, List<Storage> storages) {
    }

    private ContainerStorage() {
    }

    static Prepared prepare(String cid, OciBundle bundle, List<RootfsMount> rootfs, Path sharedDir, Mounter mounter,
            Undo undo) throws SandboxException {
        return prepare(cid, bundle, rootfs, sharedDir, mounter, undo, new GuestVolumes());
    }

    static Prepared prepare(String cid, OciBundle bundle, List<RootfsMount> rootfs, Path sharedDir, Mounter mounter,
            Undo undo, GuestVolumes volumes) throws SandboxException {
        Path dir = sharedDir.resolve(cid);
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw new SandboxException(Code.ALREADY_EXISTS, "container " + cid + ": shared directory " + dir
                    + " already exists", e);
        } catch (IOException e) {
            throw new SandboxException(Code.INTERNAL, "container " + cid + ": creating " + dir + ": " + e.getMessage(), e);
        }
        undo.push("remove " + dir, () -> SandboxCleaner.removeTree(dir, mounter));
        List<Path> mounts = new ArrayList<>();
        Path rootDir = dir.resolve("rootfs");
        mkdirs(cid, rootDir);
        mountRootfs(cid, bundle, rootfs, rootDir, mounter, undo, mounts);

        Spec spec = bundle.spec();
        Spec.Builder guest = spec.toBuilder().clearMounts().clearHooks();
        guest.setRoot(Root.newBuilder()
                .setPath(GUEST_SHARED + cid + "/rootfs")
                .setReadonly(spec.hasRoot() && spec.getRoot().getReadonly()));
        Map<String, Storage> storages = new LinkedHashMap<>();
        for (int i = 0; i < spec.getMountsCount(); i++) {
            Mount m = spec.getMounts(i);
            Optional<GuestVolumes.Local> local = volumes.of(m);
            if (local.isPresent()) {
                guest.addMounts(local.get().guestMount());
                storages.putIfAbsent(local.get().storage().getMountPoint(), local.get().storage());
                continue;
            }
            if (!isSharedBind(m)) {
                guest.addMounts(m);
                continue;
            }
            String name = i + "-" + sanitize(m.getDestination());
            Path target = dir.resolve("mounts").resolve(name);
            bindShared(cid, m, target, mounter, undo, mounts);
            guest.addMounts(m.toBuilder().setSource(GUEST_SHARED + cid + "/mounts/" + name));
        }
        if (spec.hasLinux()) {
            guest.setLinux(guestLinux(spec.getLinux()));
        }
        return new Prepared(guest.build(), List.copyOf(mounts), List.copyOf(storages.values()));
    }

    private static void mountRootfs(String cid, OciBundle bundle, List<RootfsMount> rootfs, Path rootDir,
            Mounter mounter, Undo undo, List<Path> mounts) throws SandboxException {
        if (rootfs.isEmpty()) {
            Path source = bundle.rootfs();
            if (!Files.isDirectory(source)) {
                throw new SandboxException(Code.INVALID_ARGUMENT, "container " + cid + ": bundle rootfs " + source
                        + " is not a directory and no rootfs mounts were given");
            }
            doMount(cid, () -> mounter.bind(source, rootDir, false), "bind " + source + " on " + rootDir);
            undo.push("unmount " + rootDir, () -> unmountIfMounted(mounter, rootDir));
            mounts.add(rootDir);
            return;
        }
        for (RootfsMount m : rootfs) {
            List<String> options = m.options();
            if (m.type().equals("bind") && !options.contains("bind") && !options.contains("rbind")) {
                options = new ArrayList<>(options);
                options.add("rbind");
            }
            List<String> opts = options;
            doMount(cid, () -> mounter.mount(m.source(), rootDir, m.type(), opts),
                    "mount " + m.type() + " " + m.source() + " on " + rootDir);
            undo.push("unmount " + rootDir, () -> unmountIfMounted(mounter, rootDir));
            mounts.add(rootDir);
        }
    }

    private static void bindShared(String cid, Mount m, Path target, Mounter mounter, Undo undo, List<Path> mounts)
            throws SandboxException {
        Path source = Path.of(m.getSource());
        if (!Files.exists(source)) {
            throw new SandboxException(Code.INVALID_ARGUMENT, "container " + cid + ": mount " + m.getDestination()
                    + ": bind source " + source + " does not exist");
        }
        try {
            Files.createDirectories(target.getParent());
            if (Files.isDirectory(source)) {
                Files.createDirectory(target);
            } else {
                Files.createFile(target);
            }
        } catch (IOException e) {
            throw new SandboxException(Code.INTERNAL, "container " + cid + ": creating mount point " + target + ": "
                    + e.getMessage(), e);
        }
        boolean readOnly = m.getOptionsList().contains("ro");
        doMount(cid, () -> mounter.bind(source, target, readOnly), "bind " + source + " on " + target);
        undo.push("unmount " + target, () -> unmountIfMounted(mounter, target));
        mounts.add(target);
    }

    /** A bind mount of a host file or directory that must go through the shared directory. */
    static boolean isSharedBind(Mount m) {
        boolean bind = m.getType().equals("bind") || m.getOptionsList().contains("bind")
                || m.getOptionsList().contains("rbind");
        if (!bind || !m.getSource().startsWith("/")) {
            return false;
        }
        Path source = Path.of(m.getSource()).normalize();
        return GUEST_LOCAL.stream().noneMatch(source::startsWith);
    }

    /** The guest's view of the spec's linux section: no network/cgroup namespaces, no host ns paths. */
    static Linux guestLinux(Linux linux) {
        Linux.Builder out = linux.toBuilder().clearNamespaces();
        for (LinuxNamespace ns : linux.getNamespacesList()) {
            if (!DROPPED_NAMESPACES.contains(ns.getType())) {
                out.addNamespaces(ns.toBuilder().setPath(""));
            }
        }
        return out.build();
    }

    private static String sanitize(String destination) {
        String name = Path.of(destination.isEmpty() ? "mount" : destination).getFileName() == null ? "root"
                : Path.of(destination).getFileName().toString();
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Unmounts; a mount that is already gone (EINVAL/ENOENT, e.g. after SandboxCleaner) is fine. */
    static void unmountIfMounted(Mounter mounter, Path point) throws StorageException {
        try {
            mounter.unmount(point);
        } catch (StorageException e) {
            if (!LinuxMounter.notMounted(e)) {
                throw e;
            }
        }
    }

    private static void mkdirs(String cid, Path dir) throws SandboxException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new SandboxException(Code.INTERNAL, "container " + cid + ": creating " + dir + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface MountAction {
        void run() throws StorageException;
    }

    private static void doMount(String cid, MountAction action, String what) throws SandboxException {
        try {
            action.run();
        } catch (StorageException e) {
            throw new SandboxException(Code.INTERNAL, "container " + cid + ": " + e.getMessage(), e);
        }
    }
}
