package dev.jkata.hypervisor;

/**
 * How the VMM spends host memory on a guest.
 *
 * @param reclaimGuestFreedMemory Kata's {@code reclaim_guest_freed_memory}: give the guest a virtio-balloon
 *     with free page reporting, so the host takes back the pages the guest frees (the guest kernel needs the
 *     {@code virtio_balloon} driver; without it the device is idle and nothing is returned)
 * @param tcgTranslationCacheMiB size of QEMU's TCG translated-code buffer ({@code -accel tcg,tb-size=N}) in
 *     MiB; 0 = {@link #DEFAULT_TCG_TRANSLATION_CACHE_MIB}; ignored under KVM. There is no way to ask for
 *     QEMU's own default (1 GiB) other than naming it: 1024
 */
public record MemoryOptions(boolean reclaimGuestFreedMemory, int tcgTranslationCacheMiB) {

    /**
     * The TCG code buffer a guest gets when nothing is configured: 64 MiB. QEMU 7.2's own default for
     * system emulation is 1 GiB, reserved and touched as code is translated, so it only grows: an idle
     * sandbox had ~125 MiB of it resident after boot. At 64 MiB QEMU flushes the buffer when it is full;
     * QEMU's CPU time for a boot or a sandbox start stayed within the (large) noise of the loaded test
     * host, 32 MiB looked costly, and an idle sandbox's QEMU had ~64 MB less PSS (bench/RESULTS.md,
     * "Memory"). 64 is twice QEMU's default before 5.2.
     */
    public static final int DEFAULT_TCG_TRANSLATION_CACHE_MIB = 64;

    /** Upstream's balloon default (none) and jkata's default TCG buffer size. */
    public static final MemoryOptions DEFAULT = new MemoryOptions(false, 0);

    public MemoryOptions {
        if (tcgTranslationCacheMiB < 0 || tcgTranslationCacheMiB > 2048) {
            throw new IllegalArgumentException(
                    "tcgTranslationCacheMiB: expected 0 (default) to 2048 MiB, got " + tcgTranslationCacheMiB);
        }
    }

    /** The tb-size to pass to QEMU under TCG, or 0 for QEMU's own default. */
    public int effectiveTcgTranslationCacheMiB() {
        return tcgTranslationCacheMiB > 0 ? tcgTranslationCacheMiB : DEFAULT_TCG_TRANSLATION_CACHE_MIB;
    }
}
