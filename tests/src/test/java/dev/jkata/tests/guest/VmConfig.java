package dev.jkata.tests.guest;

/**
 * How a test VM is started.
 *
 * @param machine  {@code microvm} (the fast path: ELF kernel, virtio-mmio) or {@code q35} (PCI)
 * @param share    how the host directory is shared with the guest
 * @param memoryMb guest memory
 * @param append   extra kernel parameters
 */
record VmConfig(Machine machine, Share share, int memoryMb, String append) {
    enum Machine { MICROVM, Q35 }

    enum Share { NONE, VIRTIO_FS, NINE_P }

    static VmConfig of(Machine machine, Share share) {
        return new VmConfig(machine, share, 512, "");
    }
}
