package dev.jkata.agent.storage;

import dev.jkata.agent.os.Native;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * mount(8)-style options split into mount(2) flags and the filesystem's data string.
 *
 * @param flags MS_* flags
 * @param data  the remaining options joined with commas (may be empty)
 */
public record MountOptions(long flags, String data) {

    private static final Map<String, Long> SET = Map.ofEntries(
            Map.entry("ro", Native.MS_RDONLY), Map.entry("nosuid", Native.MS_NOSUID),
            Map.entry("nodev", Native.MS_NODEV), Map.entry("noexec", Native.MS_NOEXEC),
            Map.entry("sync", Native.MS_SYNCHRONOUS), Map.entry("remount", Native.MS_REMOUNT),
            Map.entry("noatime", Native.MS_NOATIME), Map.entry("nodiratime", Native.MS_NODIRATIME),
            Map.entry("bind", Native.MS_BIND), Map.entry("rbind", Native.MS_BIND | Native.MS_REC),
            Map.entry("relatime", Native.MS_RELATIME), Map.entry("strictatime", Native.MS_STRICTATIME),
            Map.entry("private", Native.MS_PRIVATE), Map.entry("rprivate", Native.MS_PRIVATE | Native.MS_REC),
            Map.entry("slave", Native.MS_SLAVE), Map.entry("rslave", Native.MS_SLAVE | Native.MS_REC),
            Map.entry("shared", Native.MS_SHARED), Map.entry("rshared", Native.MS_SHARED | Native.MS_REC));

    private static final Map<String, Long> CLEAR = Map.of(
            "rw", Native.MS_RDONLY, "suid", Native.MS_NOSUID, "dev", Native.MS_NODEV,
            "exec", Native.MS_NOEXEC, "async", Native.MS_SYNCHRONOUS, "atime", Native.MS_NOATIME,
            "diratime", Native.MS_NODIRATIME);

    public static MountOptions parse(List<String> options) {
        long flags = 0;
        List<String> data = new ArrayList<>();
        for (String raw : options) {
            for (String o : raw.split(",")) {
                String opt = o.trim();
                if (opt.isEmpty() || opt.equals("defaults")) {
                    continue;
                }
                Long set = SET.get(opt);
                Long clear = CLEAR.get(opt);
                if (set != null) {
                    flags |= set;
                } else if (clear != null) {
                    flags &= ~clear;
                } else {
                    data.add(opt);
                }
            }
        }
        return new MountOptions(flags, String.join(",", data));
    }

    public boolean readOnly() {
        return (flags & Native.MS_RDONLY) != 0;
    }

    /** The propagation flags, which mount(2) needs in a call of their own. */
    public long propagation() {
        return flags & (Native.MS_PRIVATE | Native.MS_SLAVE | Native.MS_SHARED);
    }
}
