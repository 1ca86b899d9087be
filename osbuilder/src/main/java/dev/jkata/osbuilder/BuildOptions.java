package dev.jkata.osbuilder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What to build and from what.
 *
 * @param outDir         where {@code vmlinux.container} and {@code kata-containers-initrd.img} go; the
 *                       download and jlink cache lives in {@code outDir/cache}
 * @param repo           the jkata source tree (to find the agent jars)
 * @param agentJars      explicit agent module path (jars); empty: look in {@code repo/agent/target}
 * @param kernelPackages Debian kernel packages to try in order; the first that has every wanted module wins
 * @param modules        kernel modules the guest loads at boot (with their dependencies)
 * @param jdk            the JDK to jlink from (also the JVM used for the AOT training run)
 * @param jlinkOptions   extra jlink options
 * @param jvmOptions     the agent JVM's options in the guest (before {@code -p ... -m ...})
 * @param initrdOnly     rebuild only the initrd, reusing the kernel of the last full build
 * @param force          rebuild even when nothing changed
 */
public record BuildOptions(Path outDir, Path repo, List<Path> agentJars, List<String> kernelPackages,
                           List<String> modules, Path jdk, List<String> jlinkOptions, List<String> jvmOptions,
                           boolean initrdOnly, boolean force) {

    public static final List<String> DEFAULT_KERNELS = List.of("linux-image-cloud-amd64", "linux-image-amd64");
    public static final List<String> DEFAULT_MODULES = List.of("virtio", "virtio_ring", "virtio_pci", "virtio_mmio",
            "virtio_balloon", "virtio_blk", "virtio_console", "virtio_net", "vsock", "vmw_vsock_virtio_transport",
            "fuse", "virtiofs", "9pnet", "9pnet_virtio", "9p", "overlay", "erofs", "crc32c_generic", "libcrc32c");
    public static final List<String> DEFAULT_JLINK = List.of("--strip-debug", "--no-header-files", "--no-man-pages",
            "--compress=zip-6");
    /**
     * The agent JVM's options. AOT adapter caching is off: the cached adapters are machine code for the
     * build host's CPU (AVX-512 here) and die with SIGILL on a guest CPU without those features.
     * ArchiveRelocationMode=0 maps the cache at its preferred address instead of relocating every
     * pointer in it (which costs a noticeable part of a second under TCG).
     * {@code -Xint}: no JIT. Under TCG every piece of JIT-compiled code is new guest code that QEMU must
     * translate again, and C1's own work is emulated too; the agent spends its time waiting on crun,
     * mounts and I/O, not in Java. A {@code kata-runtime run} of {@code uname} took 7.7 s instead of
     * 10.1 s, and 20 MB of container stdout went through no slower (bench/RESULTS.md, "Agent JVM").
     */
    public static final List<String> DEFAULT_JVM = List.of("-XX:+UseSerialGC", "-Xint", "-Xmx64m",
            "-Xss512k", "-XX:-UsePerfData", "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTAdapterCaching",
            "-XX:-AOTStubCaching", "-XX:ArchiveRelocationMode=0");

    public BuildOptions {
        agentJars = List.copyOf(agentJars);
        kernelPackages = List.copyOf(kernelPackages);
        modules = List.copyOf(modules);
        jlinkOptions = List.copyOf(jlinkOptions);
        jvmOptions = List.copyOf(jvmOptions);
        if (kernelPackages.isEmpty()) {
            throw new OsBuilderException("no kernel package to try");
        }
    }

    /** Defaults for a build of the tree at {@code repo} into {@code outDir}. */
    public static BuildOptions defaults(Path repo, Path outDir) {
        return new BuildOptions(outDir, repo, List.of(), DEFAULT_KERNELS, DEFAULT_MODULES,
                Path.of("/usr/lib/jvm/temurin-25-jdk-amd64"), DEFAULT_JLINK, DEFAULT_JVM, false, false);
    }

    /**
     * Parses the command line: {@code [OUTDIR] [--repo DIR] [--agent-jars A.jar:B.jar|DIR] [--kernel PKG[,PKG]]
     * [--jdk DIR] [--jlink-opts "..."] [--jvm-opts "..."] [--initrd-only] [--force]}.
     */
    public static BuildOptions parse(List<String> args, Path defaultRepo) {
        Path repo = defaultRepo;
        Path out = null;
        List<Path> jars = new ArrayList<>();
        List<String> kernels = DEFAULT_KERNELS;
        Path jdk = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        List<String> jlink = DEFAULT_JLINK;
        List<String> jvm = DEFAULT_JVM;
        boolean initrdOnly = false;
        boolean force = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--repo" -> repo = Path.of(value(args, ++i, a));
                case "--agent-jars" -> {
                    for (String p : value(args, ++i, a).split(":")) {
                        if (!p.isBlank()) {
                            jars.add(Path.of(p));
                        }
                    }
                }
                case "--kernel" -> kernels = List.of(value(args, ++i, a).split(","));
                case "--jdk" -> jdk = Path.of(value(args, ++i, a));
                case "--jlink-opts" -> jlink = words(value(args, ++i, a));
                case "--jvm-opts" -> jvm = words(value(args, ++i, a));
                case "--initrd-only" -> initrdOnly = true;
                case "--force" -> force = true;
                default -> {
                    if (a.startsWith("-") || out != null) {
                        throw new OsBuilderException("unknown argument '" + a + "'; usage: " + usage());
                    }
                    out = Path.of(a);
                }
            }
        }
        if (out == null) {
            out = repo.resolve("build/guest");
        }
        return new BuildOptions(out.toAbsolutePath(), repo.toAbsolutePath(), jars, kernels, DEFAULT_MODULES, jdk,
                jlink, jvm, initrdOnly, force);
    }

    public static String usage() {
        return "osbuilder [OUTDIR] [--repo DIR] [--agent-jars JAR:JAR|DIR] [--kernel PKG[,PKG...]] [--jdk DIR]"
                + " [--jlink-opts \"OPTS\"] [--jvm-opts \"OPTS\"] [--initrd-only] [--force]";
    }

    private static String value(List<String> args, int i, String opt) {
        if (i >= args.size()) {
            throw new OsBuilderException("option " + opt + " needs a value; usage: " + usage());
        }
        return args.get(i);
    }

    private static List<String> words(String s) {
        return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }
}
