package dev.jkata.runtime.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The host's mount table ({@code /proc/self/mountinfo}), for questions such as "is this volume
 * directory a tmpfs of its own?". Pure parsing plus one file read.
 */
public final class HostMounts {

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    /**
     * One mount.
     *
     * @param mountPoint where it is mounted
     * @param fstype filesystem type ({@code tmpfs}, {@code ext4}, …)
     * @param superOptions per-superblock options ({@code size=65536k}, …)
     */
    public record Entry(Path mountPoint, String fstype, List<String> superOptions) {
        public Entry {
            Objects.requireNonNull(mountPoint, "mountPoint");
            Objects.requireNonNull(fstype, "fstype");
            superOptions = List.copyOf(superOptions);
        }

        /** The {@code size=} super option in bytes ({@code k}, {@code m}, {@code g} suffixes), if given. */
        public Optional<Long> sizeBytes() {
            for (String o : superOptions) {
                if (o.startsWith("size=")) {
                    return parseSize(o.substring(5));
                }
            }
            return Optional.empty();
        }
    }

    private HostMounts() {
    }

    /** The mount whose mount point is exactly {@code path} (the topmost one), if {@code path} is one. */
    public static Optional<Entry> at(Path path) {
        try {
            return at(Files.readString(MOUNTINFO), path);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** {@link #at(Path)} over the text of a mountinfo file. */
    public static Optional<Entry> at(String mountinfo, Path path) {
        Path want = path.toAbsolutePath().normalize();
        Entry found = null;
        for (String line : mountinfo.split("\n")) {
            Entry e = parse(line);
            if (e != null && e.mountPoint().equals(want)) {
                found = e; // later lines are mounted on top of earlier ones
            }
        }
        return Optional.ofNullable(found);
    }

    /** One mountinfo line ({@code id parent maj:min root point opts [tags…] - fstype source superopts}). */
    static Entry parse(String line) {
        int dash = line.indexOf(" - ");
        Path point = MountInfo.mountPoint(line);
        if (dash < 0 || point == null) {
            return null;
        }
        String[] tail = line.substring(dash + 3).split(" ");
        if (tail.length < 1 || tail[0].isEmpty()) {
            return null;
        }
        List<String> superOptions = tail.length >= 3 ? List.of(tail[2].split(",")) : List.of();
        return new Entry(point, tail[0], superOptions);
    }

    static Optional<Long> parseSize(String value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        char unit = Character.toLowerCase(value.charAt(value.length() - 1));
        long factor = switch (unit) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            default -> 1;
        };
        String digits = factor == 1 ? value : value.substring(0, value.length() - 1);
        try {
            return Optional.of(Math.multiplyExact(Long.parseLong(digits), factor));
        } catch (NumberFormatException | ArithmeticException e) {
            return Optional.empty(); // e.g. size=50%
        }
    }
}
