package dev.jkata.hypervisor;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** The host directory shared with the guest (the containers' rootfs and volumes). */
public sealed interface SharedFs {

    /** No shared filesystem. */
    record None() implements SharedFs {
    }

    /**
     * virtio-fs served by a virtiofsd daemon.
     *
     * @param sharedDir directory exported to the guest
     * @param tag mount tag the guest uses ({@code kataShared})
     * @param daemon path of the virtiofsd binary
     * @param cache virtiofsd cache mode ({@code auto}, {@code always}, {@code never}, …); blank = auto
     * @param extraArgs extra virtiofsd arguments, passed as they are
     */
    record VirtioFs(Path sharedDir, String tag, Path daemon, String cache, List<String> extraArgs)
            implements SharedFs {
        public VirtioFs {
            Objects.requireNonNull(sharedDir, "sharedDir");
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(daemon, "daemon");
            cache = cache == null || cache.isBlank() ? "auto" : cache;
            extraArgs = extraArgs == null ? List.of() : List.copyOf(extraArgs);
        }
    }

    /** virtio-9p served by QEMU itself. */
    record Virtio9p(Path sharedDir, String tag) implements SharedFs {
        public Virtio9p {
            Objects.requireNonNull(sharedDir, "sharedDir");
            Objects.requireNonNull(tag, "tag");
        }
    }
}
