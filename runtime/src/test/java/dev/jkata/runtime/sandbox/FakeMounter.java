package dev.jkata.runtime.sandbox;

import dev.jkata.runtime.storage.Mounter;
import dev.jkata.runtime.storage.StorageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Records mounts instead of making them; can be told to fail a mount whose target matches. */
final class FakeMounter implements Mounter {

    /** One recorded mount. */
    record Entry(String source, Path target, String type, List<String> options) {
    }

    private final List<Entry> mounted = new ArrayList<>(); // guarded by this
    private final List<String> log = new ArrayList<>(); // guarded by this
    private volatile String failTargetSuffix;
    private volatile Path failUnmount;

    void failUnmountOf(Path target) {
        failUnmount = target;
    }

    void failMountsEndingWith(String suffix) {
        failTargetSuffix = suffix;
    }

    @Override
    public synchronized void mount(String source, Path target, String fstype, List<String> options)
            throws StorageException {
        String fail = failTargetSuffix;
        if (fail != null && target.toString().endsWith(fail)) {
            throw new StorageException("mount " + source + " on " + target + ": injected failure", 1, null);
        }
        mounted.add(new Entry(source, target, fstype, List.copyOf(options)));
        log.add("mount " + target);
    }

    @Override
    public synchronized void makeSharedMountPoint(Path dir) {
        mounted.add(new Entry(dir.toString(), dir, "", List.of("bind", "shared")));
        log.add("share " + dir);
    }

    @Override
    public synchronized void unmount(Path target) throws StorageException {
        if (target.equals(failUnmount)) {
            throw new StorageException("umount " + target + ": EBUSY (16)", 16, null);
        }
        for (int i = mounted.size() - 1; i >= 0; i--) {
            if (mounted.get(i).target().equals(target)) {
                mounted.remove(i);
                log.add("umount " + target);
                return;
            }
        }
        throw new StorageException("umount " + target + ": EINVAL (22)", 22, null);
    }

    @Override
    public synchronized List<Path> mountPointsUnder(Path dir) {
        List<Path> out = new ArrayList<>();
        for (int i = mounted.size() - 1; i >= 0; i--) {
            if (mounted.get(i).target().startsWith(dir)) {
                out.add(mounted.get(i).target());
            }
        }
        out.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return out;
    }

    synchronized List<Entry> mounted() {
        return List.copyOf(mounted);
    }

    synchronized List<String> log() {
        return List.copyOf(log);
    }
}
