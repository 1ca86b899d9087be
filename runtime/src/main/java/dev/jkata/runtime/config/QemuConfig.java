package dev.jkata.runtime.config;

import dev.jkata.hypervisor.AcceleratorChoice;
import dev.jkata.hypervisor.MemoryOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * {@code [hypervisor.qemu]}: the keys jkata uses, typed.
 *
 * @param path QEMU binary ({@code path})
 * @param kernel guest kernel ({@code kernel})
 * @param initrd guest initrd ({@code initrd}), or {@code null}
 * @param image guest image ({@code image}), or {@code null}; never both initrd and image
 * @param machineType {@code machine_type}; empty = chosen for the accelerator
 * @param kernelParams extra guest kernel parameters ({@code kernel_params})
 * @param defaultVcpus {@code default_vcpus}: 0 → 1, negative → all host CPUs
 * @param defaultMaxVcpus {@code default_maxvcpus}: 0 → same as the vCPUs
 * @param defaultMemoryMiB {@code default_memory} in MiB
 * @param sharedFs {@code shared_fs}
 * @param virtioFsDaemon {@code virtio_fs_daemon}
 * @param virtioFsCache {@code virtio_fs_cache}
 * @param virtioFsExtraArgs {@code virtio_fs_extra_args}
 * @param enableAnnotations {@code enable_annotations}: regular expressions of the hypervisor annotation
 *     names (without the {@code io.katacontainers.config.hypervisor.} prefix) that may override this table
 * @param validHypervisorPaths {@code valid_hypervisor_paths}: globs a {@code path} annotation must match
 * @param validVirtioFsDaemonPaths {@code valid_virtio_fs_daemon_paths}: globs for the daemon annotation
 * @param enableDebug {@code enable_debug}: kernel and QEMU debug output
 * @param accelerator jkata's own {@code accelerator} key: {@code auto}, {@code kvm} or {@code tcg}
 * @param reclaimGuestFreedMemory {@code reclaim_guest_freed_memory}: a virtio-balloon with free page reporting
 * @param tcgTbSizeMiB jkata's own {@code tcg_tb_size}: QEMU's TCG code buffer in MiB, 0 = jkata's default
 */
public record QemuConfig(
        Path path,
        Path kernel,
        Path initrd,
        Path image,
        String machineType,
        String kernelParams,
        int defaultVcpus,
        int defaultMaxVcpus,
        int defaultMemoryMiB,
        SharedFsType sharedFs,
        Path virtioFsDaemon,
        String virtioFsCache,
        List<String> virtioFsExtraArgs,
        List<String> enableAnnotations,
        List<String> validHypervisorPaths,
        List<String> validVirtioFsDaemonPaths,
        boolean enableDebug,
        AcceleratorChoice accelerator,
        boolean reclaimGuestFreedMemory,
        int tcgTbSizeMiB) {

    public static final Path DEFAULT_PATH = Path.of("/usr/bin/qemu-system-x86_64");
    public static final Path DEFAULT_KERNEL = Path.of("/opt/kata/share/kata-containers/vmlinux.container");
    public static final Path DEFAULT_INITRD = Path.of("/opt/kata/share/kata-containers/kata-containers-initrd.img");
    public static final Path DEFAULT_VIRTIOFSD = Path.of("/usr/lib/qemu/virtiofsd");
    /** Upstream's default guest memory when {@code default_memory} is absent. */
    public static final int DEFAULT_MEMORY_MIB = 2048;
    /** The cache modes virtiofsd implementations accept. */
    public static final List<String> VIRTIO_FS_CACHE_MODES = List.of("auto", "always", "never", "metadata", "none");

    public QemuConfig {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(sharedFs, "sharedFs");
        Objects.requireNonNull(virtioFsDaemon, "virtioFsDaemon");
        machineType = machineType == null ? "" : machineType;
        kernelParams = kernelParams == null ? "" : kernelParams;
        virtioFsCache = virtioFsCache == null || virtioFsCache.isBlank() ? "auto" : virtioFsCache;
        virtioFsExtraArgs = List.copyOf(virtioFsExtraArgs);
        enableAnnotations = List.copyOf(enableAnnotations);
        validHypervisorPaths = List.copyOf(validHypervisorPaths);
        validVirtioFsDaemonPaths = List.copyOf(validVirtioFsDaemonPaths);
        accelerator = accelerator == null ? AcceleratorChoice.AUTO : accelerator;
    }

    /** The values used for keys that are absent from the file. */
    public static QemuConfig defaults() {
        return new QemuConfig(DEFAULT_PATH, DEFAULT_KERNEL, DEFAULT_INITRD, null, "", "", 1, 0, DEFAULT_MEMORY_MIB,
                SharedFsType.VIRTIO_FS, DEFAULT_VIRTIOFSD, "auto", List.of(), List.of(), List.of(), List.of(),
                false, AcceleratorChoice.AUTO, false, 0);
    }

    /** The host memory options for the VM ({@code reclaim_guest_freed_memory}, {@code tcg_tb_size}). */
    public MemoryOptions memoryOptions() {
        return new MemoryOptions(reclaimGuestFreedMemory, tcgTbSizeMiB);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A mutable copy for building a changed config (annotations, parser). */
    public static final class Builder {
        public Path path;
        public Path kernel;
        public Path initrd;
        public Path image;
        public String machineType;
        public String kernelParams;
        public int defaultVcpus;
        public int defaultMaxVcpus;
        public int defaultMemoryMiB;
        public SharedFsType sharedFs;
        public Path virtioFsDaemon;
        public String virtioFsCache;
        public List<String> virtioFsExtraArgs;
        public List<String> enableAnnotations;
        public List<String> validHypervisorPaths;
        public List<String> validVirtioFsDaemonPaths;
        public boolean enableDebug;
        public AcceleratorChoice accelerator;
        public boolean reclaimGuestFreedMemory;
        public int tcgTbSizeMiB;

        private Builder(QemuConfig c) {
            path = c.path;
            kernel = c.kernel;
            initrd = c.initrd;
            image = c.image;
            machineType = c.machineType;
            kernelParams = c.kernelParams;
            defaultVcpus = c.defaultVcpus;
            defaultMaxVcpus = c.defaultMaxVcpus;
            defaultMemoryMiB = c.defaultMemoryMiB;
            sharedFs = c.sharedFs;
            virtioFsDaemon = c.virtioFsDaemon;
            virtioFsCache = c.virtioFsCache;
            virtioFsExtraArgs = c.virtioFsExtraArgs;
            enableAnnotations = c.enableAnnotations;
            validHypervisorPaths = c.validHypervisorPaths;
            validVirtioFsDaemonPaths = c.validVirtioFsDaemonPaths;
            enableDebug = c.enableDebug;
            accelerator = c.accelerator;
            reclaimGuestFreedMemory = c.reclaimGuestFreedMemory;
            tcgTbSizeMiB = c.tcgTbSizeMiB;
        }

        public QemuConfig build() {
            return new QemuConfig(path, kernel, initrd, image, machineType, kernelParams, defaultVcpus,
                    defaultMaxVcpus, defaultMemoryMiB, sharedFs, virtioFsDaemon, virtioFsCache, virtioFsExtraArgs,
                    enableAnnotations, validHypervisorPaths, validVirtioFsDaemonPaths, enableDebug, accelerator,
                    reclaimGuestFreedMemory, tcgTbSizeMiB);
        }
    }
}
