package dev.jkata.runtime.storage;

import java.nio.file.Path;
import java.util.List;

/**
 * The host mount operations the sandbox needs. {@link LinuxMounter} does them with mount(2) and
 * umount2(2); tests use a recording fake.
 */
public interface Mounter {

    /**
     * Mounts like {@code mount -t fstype -o options source target}: options such as {@code ro},
     * {@code bind}, {@code rbind}, {@code nosuid} become flags, the rest ({@code lowerdir=…}) the
     * data string. A read-only bind is done as bind plus read-only remount.
     */
    void mount(String source, Path target, String fstype, List<String> options) throws StorageException;

    /** Bind-mounts {@code source} (file or directory) on {@code target}, recursively. */
    default void bind(Path source, Path target, boolean readOnly) throws StorageException {
        mount(source.toString(), target, "", readOnly ? List.of("rbind", "ro") : List.of("rbind"));
    }

    /**
     * Makes {@code dir} a mount point of itself with shared propagation, so mounts made below it
     * later also appear in mount namespaces copied from it (virtiofsd's).
     */
    void makeSharedMountPoint(Path dir) throws StorageException;

    /** Unmounts {@code target}; falls back to a lazy detach when it is busy. */
    void unmount(Path target) throws StorageException;

    /** Mount points at or below {@code dir}, deepest first (the order to unmount them). */
    List<Path> mountPointsUnder(Path dir) throws StorageException;

    /** Unmounts everything at or below {@code dir}, deepest first; returns what it unmounted. */
    default List<Path> unmountAllUnder(Path dir) throws StorageException {
        List<Path> points = mountPointsUnder(dir);
        StorageException first = null;
        for (Path point : points) {
            try {
                unmount(point);
            } catch (StorageException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return points;
    }
}
