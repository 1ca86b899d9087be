package dev.jkata.hypervisor.qemu;

import dev.jkata.hypervisor.Accelerator;
import dev.jkata.hypervisor.MemoryOptions;
import java.util.List;

/** QEMU arguments for {@link MemoryOptions}: the accelerator's code buffer and the free-page-reporting balloon. */
final class MemoryArgs {

    /** Id of the balloon device (QMP {@code query-balloon} works on the single balloon). */
    static final String BALLOON_ID = "balloon0";

    private MemoryArgs() {
    }

    /** {@code -accel} value: {@code kvm}, or multi-threaded TCG with the code buffer size when one is set. */
    static String accel(Accelerator accelerator, MemoryOptions memory) {
        if (accelerator == Accelerator.KVM) {
            return "kvm";
        }
        int tb = memory.effectiveTcgTranslationCacheMiB();
        return tb > 0 ? "tcg,thread=multi,tb-size=" + tb : "tcg,thread=multi";
    }

    /**
     * A balloon that stays at size 0 and only carries free page reports: each page block the guest frees is
     * dropped from the host's memory (QEMU discards the range of the guest RAM backend). deflate-on-oom lets
     * the guest take pages back from a balloon someone inflated through QMP rather than OOM-kill.
     */
    static List<String> balloon(MemoryOptions memory, boolean microvm) {
        if (!memory.reclaimGuestFreedMemory()) {
            return List.of();
        }
        return List.of("-device", (microvm ? "virtio-balloon-device" : "virtio-balloon-pci") + ",id=" + BALLOON_ID
                + ",deflate-on-oom=on,free-page-reporting=on");
    }
}
