package dev.jkata.agent.storage;

import dev.jkata.agent.AgentException;
import dev.jkata.agent.os.Native;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mounts storages in the guest and unmounts them again. A mount point used by several
 * requests (sandbox and containers) is mounted once and unmounted when its last user lets go.
 */
public final class Storages {

    private static final System.Logger LOG = System.getLogger(Storages.class.getName());

    private final Mounter mounter;
    /** Guarded by this: mount point → number of users, in mount order. */
    private final Map<Path, Integer> users = new LinkedHashMap<>();

    public Storages(Mounter mounter) {
        this.mounter = mounter;
    }

    /** Mounts (or takes another reference on) the storage; returns its mount point. */
    public synchronized Path add(StorageSpec s) {
        Integer n = users.get(s.mountPoint());
        if (n != null) {
            users.put(s.mountPoint(), n + 1);
            return s.mountPoint();
        }
        mountNew(s);
        users.put(s.mountPoint(), 1);
        return s.mountPoint();
    }

    /** Mounts all, or none: on failure what this call mounted is released again. */
    public List<Path> addAll(List<StorageSpec> specs) {
        List<Path> done = new ArrayList<>();
        try {
            for (StorageSpec s : specs) {
                done.add(add(s));
            }
            return done;
        } catch (RuntimeException e) {
            releaseAll(done.reversed());
            throw e;
        }
    }

    public synchronized void release(Path mountPoint) {
        Integer n = users.get(mountPoint);
        if (n == null) {
            return;
        }
        if (n > 1) {
            users.put(mountPoint, n - 1);
            return;
        }
        users.remove(mountPoint);
        try {
            mounter.unmount(mountPoint.toString());
        } catch (AgentException e) {
            LOG.log(System.Logger.Level.WARNING, "unmounting " + mountPoint + ": " + e.getMessage());
        }
    }

    public void releaseAll(List<Path> mountPoints) {
        for (Path p : mountPoints) {
            release(p);
        }
    }

    /** Unmounts everything, newest first. */
    public synchronized void clear() {
        List<Path> all = new ArrayList<>(users.keySet());
        users.clear();
        for (Path p : all.reversed()) {
            try {
                mounter.unmount(p.toString());
            } catch (AgentException e) {
                LOG.log(System.Logger.Level.WARNING, "unmounting " + p + ": " + e.getMessage());
            }
        }
    }

    public synchronized List<Path> mounted() {
        return List.copyOf(users.keySet());
    }

    private void mountNew(StorageSpec s) {
        Path mp = s.mountPoint();
        MountOptions o = s.options();
        switch (s.driver()) {
            case LOCAL -> mkdirs(mp);
            case VIRTIO_FS, NINE_P, EPHEMERAL -> {
                mkdirs(mp);
                long flags = o.flags() & ~o.propagation();
                mounter.mount(s.source(), mp.toString(), s.fstype(), flags, o.data());
            }
            case BIND -> {
                Path src = Path.of(s.source());
                if (!Files.exists(src)) {
                    throw AgentException.notFound("bind storage source " + src + " does not exist in the guest");
                }
                if (Files.isDirectory(src)) {
                    mkdirs(mp);
                } else {
                    mkdirs(mp.getParent());
                    try {
                        if (!Files.exists(mp)) {
                            Files.createFile(mp);
                        }
                    } catch (IOException e) {
                        throw AgentException.internal("creating bind target " + mp + ": " + e.getMessage(), e);
                    }
                }
                long flags = (o.flags() & ~o.propagation() & ~Native.MS_RDONLY) | Native.MS_BIND | Native.MS_REC;
                mounter.mount(s.source(), mp.toString(), null, flags, null);
                if (o.readOnly()) {
                    mounter.mount(s.source(), mp.toString(), null,
                            Native.MS_BIND | Native.MS_REMOUNT | Native.MS_RDONLY, null);
                }
            }
        }
        if (o.propagation() != 0 && s.driver() != StorageSpec.Driver.LOCAL) {
            mounter.mount(null, mp.toString(), null, o.propagation(), null);
        }
        LOG.log(System.Logger.Level.INFO, "mounted " + s.driver().wireName() + " " + s.source() + " at " + mp);
    }

    static void mkdirs(Path p) {
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw AgentException.internal("creating " + p + ": " + e.getMessage(), e);
        }
    }
}
