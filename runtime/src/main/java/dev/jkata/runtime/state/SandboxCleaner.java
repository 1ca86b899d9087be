package dev.jkata.runtime.state;

import dev.jkata.runtime.network.NetworkException;
import dev.jkata.runtime.network.NetworkState;
import dev.jkata.runtime.network.NetworkTools;
import dev.jkata.runtime.network.PodNetwork;
import dev.jkata.runtime.storage.LinuxMounter;
import dev.jkata.runtime.storage.Mounter;
import dev.jkata.runtime.storage.StorageException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Tears down a sandbox from its saved {@code state.json} when the process that owned it is gone
 * (the shim's {@code delete} command): kills the VMM and virtiofsd, removes the networking it made
 * (taps, tc ingress qdiscs and filters in the pod's namespace, a namespace made for the sandbox),
 * unmounts everything under the sandbox's shared directory, removes the shared and state directories.
 * Idempotent.
 */
public final class SandboxCleaner {

    private static final System.Logger LOG = System.getLogger(SandboxCleaner.class.getName());
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    /**
     * What a clean-up did.
     *
     * @param sandboxId the sandbox id from the record, or null when there was no record
     * @param killed pids killed
     * @param unmounted mount points unmounted
     * @param removed directories removed
     * @param network the networking record that was undone, or null when there was none
     */
    public record Report(String sandboxId, List<Long> killed, List<Path> unmounted, List<Path> removed,
            NetworkState network) {
        public Report {
            killed = List.copyOf(killed);
            unmounted = List.copyOf(unmounted);
            removed = List.copyOf(removed);
        }

        public Report(String sandboxId, List<Long> killed, List<Path> unmounted, List<Path> removed) {
            this(sandboxId, killed, unmounted, removed, null);
        }
    }

    private SandboxCleaner() {
    }

    /** {@link #cleanup(Path, Mounter)} with the real mount(2) implementation. */
    public static Report cleanup(Path stateDir) throws StateException {
        return cleanup(stateDir, new LinuxMounter());
    }

    /** {@link #cleanup(Path, Mounter, NetworkTools)} with nsenter and iproute2 for the networking. */
    public static Report cleanup(Path stateDir, Mounter mounter) throws StateException {
        return cleanup(stateDir, mounter, NetworkTools.real());
    }

    /**
     * Cleans up the sandbox recorded in {@code stateDir}. A missing state directory is not an error
     * (nothing to do); a state directory without a record is removed.
     *
     * @throws StateException when the record is unreadable, the networking could not be removed (then
     *     the state directory and its record are kept for another try), or a mount could not be removed
     *     (then no directory that still holds a mount is deleted)
     */
    public static Report cleanup(Path stateDir, Mounter mounter, NetworkTools network) throws StateException {
        if (!Files.isDirectory(stateDir)) {
            return new Report(null, List.of(), List.of(), List.of());
        }
        if (!Files.exists(StateStore.file(stateDir))) {
            removeTree(stateDir, mounter);
            return new Report(null, List.of(), List.of(), List.of(stateDir));
        }
        SandboxState state = StateStore.load(stateDir);
        String mention = state.stateDir().toString();
        List<Long> killed = new ArrayList<>();
        Set<Long> pids = new LinkedHashSet<>();
        pids.add(state.vmPid());
        pids.add(state.virtiofsdPid());
        pids.addAll(HostProcesses.helpersMentioning(mention + "/"));
        for (long pid : pids) {
            if (HostProcesses.kill(pid, mention, KILL_WAIT)) {
                killed.add(pid);
            }
        }
        NetworkException netFailure = null;
        if (state.network() != null) {
            try {
                PodNetwork.cleanUp(state.sandboxId(), state.network(), network);
            } catch (NetworkException e) {
                netFailure = e;
            }
        }
        List<Path> unmounted = new ArrayList<>();
        StorageException failure = null;
        for (ContainerState c : state.containers()) {
            for (Path m : c.mounts().reversed()) {
                if (!m.startsWith(state.sharedDir())) {
                    failure = unmountQuietly(mounter, m, unmounted, failure);
                }
            }
        }
        Path sandboxShare = state.sharedDir().getParent();
        try {
            unmounted.addAll(mounter.unmountAllUnder(sandboxShare));
        } catch (StorageException e) {
            failure = add(failure, e);
        }
        if (failure != null) {
            if (netFailure != null) {
                failure.addSuppressed(netFailure);
            }
            throw new StateException("cleaning up sandbox " + state.sandboxId() + ": " + failure.getMessage(),
                    failure);
        }
        if (netFailure != null) {
            throw new StateException("cleaning up sandbox " + state.sandboxId() + ": " + netFailure.getMessage(),
                    netFailure);
        }
        List<Path> removed = new ArrayList<>();
        if (Files.exists(sandboxShare)) {
            removeTree(sandboxShare, mounter);
            removed.add(sandboxShare);
        }
        removeTree(stateDir, mounter);
        removed.add(stateDir);
        LOG.log(System.Logger.Level.INFO, "cleaned up sandbox {0}: killed {1}, unmounted {2}, network {3}",
                state.sandboxId(), killed, unmounted.size(), state.network());
        return new Report(state.sandboxId(), killed, unmounted, removed, state.network());
    }

    private static StorageException unmountQuietly(Mounter mounter, Path point, List<Path> done,
            StorageException failure) {
        try {
            mounter.unmount(point);
            done.add(point);
            return failure;
        } catch (StorageException e) {
            return LinuxMounter.notMounted(e) ? failure : add(failure, e);
        }
    }

    private static StorageException add(StorageException first, StorageException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /**
     * Deletes a directory tree, refusing when anything below it is still mounted (a recursive
     * delete would otherwise reach into a container's rootfs or a volume). Symbolic links are
     * removed, never followed.
     */
    public static void removeTree(Path dir, Mounter mounter) throws StateException {
        try {
            List<Path> mounted = mounter.mountPointsUnder(dir);
            if (!mounted.isEmpty()) {
                throw new StateException("not removing " + dir + ": still mounted below it: " + mounted);
            }
        } catch (StorageException e) {
            throw new StateException("not removing " + dir + ": " + e.getMessage(), e);
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new StateException("removing " + dir + ": " + e.getMessage(), e);
        }
    }
}
