package dev.jkata.runtime.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * mount(8)-style options split into mount(2) flags, propagation flags and the data string.
 *
 * @param flags mount flags for the first mount(2) call
 * @param propagation propagation flags (MS_SHARED, MS_PRIVATE, …) for a second call, or 0
 * @param data comma-joined filesystem options (e.g. {@code lowerdir=…}), possibly empty
 */
public record MountOptions(long flags, long propagation, String data) {

    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_SYNCHRONOUS = 16;
    public static final long MS_REMOUNT = 32;
    public static final long MS_NOATIME = 1024;
    public static final long MS_NODIRATIME = 2048;
    public static final long MS_BIND = 4096;
    public static final long MS_REC = 16384;
    public static final long MS_PRIVATE = 1 << 18;
    public static final long MS_SLAVE = 1 << 19;
    public static final long MS_SHARED = 1 << 20;
    public static final long MS_RELATIME = 1 << 21;
    public static final long MS_STRICTATIME = 1 << 24;

    private record Flag(boolean clear, long value) {
    }

    private static final Map<String, Flag> FLAGS = Map.ofEntries(
            Map.entry("ro", new Flag(false, MS_RDONLY)),
            Map.entry("rw", new Flag(true, MS_RDONLY)),
            Map.entry("nosuid", new Flag(false, MS_NOSUID)),
            Map.entry("suid", new Flag(true, MS_NOSUID)),
            Map.entry("nodev", new Flag(false, MS_NODEV)),
            Map.entry("dev", new Flag(true, MS_NODEV)),
            Map.entry("noexec", new Flag(false, MS_NOEXEC)),
            Map.entry("exec", new Flag(true, MS_NOEXEC)),
            Map.entry("sync", new Flag(false, MS_SYNCHRONOUS)),
            Map.entry("async", new Flag(true, MS_SYNCHRONOUS)),
            Map.entry("noatime", new Flag(false, MS_NOATIME)),
            Map.entry("nodiratime", new Flag(false, MS_NODIRATIME)),
            Map.entry("relatime", new Flag(false, MS_RELATIME)),
            Map.entry("strictatime", new Flag(false, MS_STRICTATIME)),
            Map.entry("bind", new Flag(false, MS_BIND)),
            Map.entry("rbind", new Flag(false, MS_BIND | MS_REC)),
            Map.entry("defaults", new Flag(false, 0)));

    private static final Map<String, Long> PROPAGATION = Map.of(
            "private", MS_PRIVATE, "rprivate", MS_PRIVATE | MS_REC,
            "shared", MS_SHARED, "rshared", MS_SHARED | MS_REC,
            "slave", MS_SLAVE, "rslave", MS_SLAVE | MS_REC);

    /** Parses a mount option list; {@code null} means none. */
    public static MountOptions parse(List<String> options) {
        long flags = 0;
        long propagation = 0;
        List<String> data = new ArrayList<>();
        if (options != null) {
            for (String option : options) {
                if (option == null || option.isBlank()) {
                    continue;
                }
                Flag flag = FLAGS.get(option);
                Long prop = PROPAGATION.get(option);
                if (flag != null) {
                    flags = flag.clear() ? flags & ~flag.value() : flags | flag.value();
                } else if (prop != null) {
                    propagation |= prop;
                } else {
                    data.add(option);
                }
            }
        }
        return new MountOptions(flags, propagation, String.join(",", data));
    }

    public boolean isBind() {
        return (flags & MS_BIND) != 0;
    }

    public boolean isReadOnly() {
        return (flags & MS_RDONLY) != 0;
    }
}
