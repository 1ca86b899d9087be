package dev.jkata.runtime.storage;

import dev.jkata.sys.Errno;
import dev.jkata.sys.Sys;
import dev.jkata.sys.SysException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@link Mounter} on mount(2)/umount2(2) through the {@code sys} module (FFM, errno per call).
 * Stateless; needs CAP_SYS_ADMIN.
 */
public final class LinuxMounter implements Mounter {

    private static final System.Logger LOG = System.getLogger(LinuxMounter.class.getName());

    private final Sys sys;
    private final Path mountInfo;

    public LinuxMounter() {
        this(Sys.linux(), Path.of("/proc/self/mountinfo"));
    }

    /** For tests: another system-call layer and mountinfo file. */
    LinuxMounter(Sys sys, Path mountInfo) {
        this.sys = sys;
        this.mountInfo = mountInfo;
    }

    @Override
    public void mount(String source, Path target, String fstype, List<String> options) throws StorageException {
        MountOptions parsed = MountOptions.parse(options);
        String what = "mount " + (fstype == null || fstype.isEmpty() ? "" : "-t " + fstype + " ")
                + source + " on " + target + (options == null || options.isEmpty() ? "" : " -o " + String.join(",", options));
        long bindFlags = MountOptions.MS_BIND | MountOptions.MS_REC;
        if (parsed.isBind()) {
            sysMount(what, source, target, null, parsed.flags() & bindFlags, null);
        } else {
            sysMount(what, source, target, fstype, parsed.flags(), parsed.data());
        }
        try {
            long rest = parsed.flags() & ~bindFlags;
            if (parsed.isBind() && rest != 0) {
                sysMount(what + " (read-only/flags remount)", null, target, null,
                        rest | MountOptions.MS_BIND | MountOptions.MS_REMOUNT, null);
            }
            if (parsed.propagation() != 0) {
                sysMount(what + " (propagation)", null, target, null, parsed.propagation(), null);
            }
        } catch (StorageException e) {
            try {
                unmount(target);
            } catch (StorageException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
        LOG.log(System.Logger.Level.DEBUG, what);
    }

    @Override
    public void makeSharedMountPoint(Path dir) throws StorageException {
        sysMount("bind " + dir + " on itself", dir.toString(), dir, null, MountOptions.MS_BIND, null);
        try {
            sysMount("make " + dir + " a shared mount", null, dir, null, MountOptions.MS_SHARED, null);
        } catch (StorageException e) {
            try {
                unmount(dir);
            } catch (StorageException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    @Override
    public void unmount(Path target) throws StorageException {
        try {
            sys.umount2(target.toString(), 0);
        } catch (SysException e) {
            if (e.errno() != Errno.EBUSY) {
                throw new StorageException("umount " + target + ": " + e.getMessage(), e.errno(), e);
            }
            LOG.log(System.Logger.Level.DEBUG, "{0} is busy, detaching it", target);
            try {
                sys.umount2(target.toString(), Sys.MNT_DETACH);
            } catch (SysException again) {
                throw new StorageException("umount -l " + target + ": " + again.getMessage(), again.errno(), again);
            }
        }
    }

    @Override
    public List<Path> mountPointsUnder(Path dir) throws StorageException {
        Path base = dir.toAbsolutePath().normalize();
        List<String> lines;
        try {
            lines = Files.readAllLines(mountInfo);
        } catch (IOException e) {
            throw new StorageException("reading " + mountInfo + ": " + e.getMessage(), e);
        }
        List<Path> points = new ArrayList<>();
        for (String line : lines) {
            Path point = MountInfo.mountPoint(line);
            if (point != null && point.startsWith(base)) {
                points.add(point);
            }
        }
        // Deepest first; a point mounted twice (stacked) is listed twice, newest last in the file.
        java.util.Collections.reverse(points);
        points.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return points;
    }

    /** True when umount2 failed only because nothing is mounted there (EINVAL) or it is gone (ENOENT). */
    public static boolean notMounted(StorageException e) {
        return e.errno() == Errno.EINVAL || e.errno() == Errno.ENOENT;
    }

    private void sysMount(String what, String source, Path target, String fstype, long flags, String data)
            throws StorageException {
        try {
            sys.mount(source, target.toString(), fstype == null || fstype.isEmpty() ? null : fstype, flags,
                    data == null || data.isEmpty() ? null : data);
        } catch (SysException e) {
            throw new StorageException(what + ": " + e.errnoName() + " (" + e.errno() + ")", e.errno(), e);
        }
    }
}
