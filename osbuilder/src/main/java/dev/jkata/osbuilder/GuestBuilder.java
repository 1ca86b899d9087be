package dev.jkata.osbuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Builds the guest assets: {@code vmlinux.container} (the distribution kernel as an uncompressed ELF)
 * and {@code kata-containers-initrd.img} (uncompressed newc cpio with busybox, crun, tini, the kernel
 * modules, a jlinked JVM, the agent jars and its AOT cache). Nothing is rebuilt when its inputs did not
 * change.
 */
public final class GuestBuilder {
    public static final String KERNEL_FILE = "vmlinux.container";
    public static final String INITRD_FILE = "kata-containers-initrd.img";
    /** Bumped when the layout of the image changes, so old builds are not taken as up to date. */
    private static final String FORMAT = "jkata-guest-3";
    private static final String KERNEL_INFO = "kernel.properties";

    private final BuildOptions o;
    private final Progress progress;

    public GuestBuilder(BuildOptions options, Progress progress) {
        this.o = options;
        this.progress = progress;
    }

    /** The result of a build. */
    public record Result(Path kernel, Path initrd, String kernelVersion, boolean upToDate) {}

    /** Builds; a second build into the same directory waits for the first (a file lock in the directory). */
    public Result build() {
        try {
            Files.createDirectories(o.outDir());
            try (var ch = java.nio.channels.FileChannel.open(o.outDir().resolve(".lock"),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
                var lock = ch.tryLock();
                if (lock == null) {
                    progress.detail("another build is running in " + o.outDir() + ": waiting for it");
                    lock = ch.lock();
                }
                try {
                    return buildLocked();
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new OsBuilderException("guest build in " + o.outDir() + " failed", e);
        }
    }

    private Result buildLocked() {
        try {
            Path cache = o.outDir().resolve("cache");
            Path kernelOut = o.outDir().resolve(KERNEL_FILE);
            Path initrdOut = o.outDir().resolve(INITRD_FILE);

            progress.step("kernel package");
            KernelPackage kp = o.initrdOnly() ? lastKernel(cache) : selectKernel(cache);
            KernelModules mods = KernelModules.scan(kp.modulesDir());
            progress.detail(kp.packageName() + " (" + kp.version() + ")");

            progress.step("agent jars");
            List<Path> jars = AgentJars.locate(o, progress);
            for (Path j : jars) {
                progress.detail(j.toString());
            }
            String fingerprint = Fingerprint.of(FORMAT, o, kp, jars, InitScript.render(kp.version()));
            Path stamp = o.outDir().resolve(".inputs");
            if (!o.force() && Files.exists(kernelOut) && Files.exists(initrdOut) && Files.exists(stamp)
                    && Files.readString(stamp).strip().equals(fingerprint)) {
                progress.done("up to date: " + kernelOut + ", " + initrdOut);
                return new Result(kernelOut, initrdOut, kp.version(), true);
            }

            progress.step("kernel (ELF vmlinux)");
            if (!o.initrdOnly()) {
                extractKernel(kp, kernelOut);
            } else {
                progress.detail("kept " + kernelOut);
            }

            progress.step("kernel modules");
            List<KernelModules.Module> order = mods.loadOrder(o.modules());
            progress.detail(order.size() + " to load: " + String.join(" ", order.stream().map(KernelModules.Module::name).toList()));

            progress.step("Java runtime (jdeps + jlink)");
            Path modulePath = cache.resolve("agent-module-path");
            Tree.delete(modulePath);
            Files.createDirectories(modulePath);
            for (Path j : jars) {
                Files.copy(j, modulePath.resolve(j.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            TreeSet<String> jdkModules = JavaRuntime.modulesFor(o.jdk(), modulePath, cache);
            progress.detail("agent needs " + String.join(",", jdkModules));
            Path jvm = JavaRuntime.jlink(o.jdk(), jdkModules, o.jlinkOptions(), cache, progress);

            progress.step("staging the guest root");
            Path stage = o.outDir().resolve("rootfs");
            Tree.delete(stage);
            RootfsStager st = new RootfsStager(stage);
            stageRoot(st, kp, order, jvm, modulePath);

            fixTimes(stage);
            progress.step("AOT cache training run (chroot)");
            AotTraining.run(stage, progress);

            progress.step("writing the initrd");
            writeInitrd(stage, initrdOut);
            progress.detail(String.format("%s: %.1f MiB", initrdOut, Files.size(initrdOut) / 1048576.0));
            Files.writeString(stamp, fingerprint + "\n");
            progress.done(kernelOut + " + " + initrdOut);
            return new Result(kernelOut, initrdOut, kp.version(), false);
        } catch (IOException e) {
            throw new OsBuilderException("guest build in " + o.outDir() + " failed", e);
        }
    }

    private KernelPackage selectKernel(Path cache) throws IOException {
        List<String> tried = new ArrayList<>();
        for (String pkg : o.kernelPackages()) {
            String versioned = KernelPackage.resolve(pkg);
            KernelPackage kp = KernelPackage.fetch(versioned, cache, progress);
            List<String> missing = missingModules(kp);
            if (missing.isEmpty()) {
                Properties p = new Properties();
                p.setProperty("package", kp.packageName());
                p.setProperty("root", kp.root().toString());
                p.setProperty("version", kp.version());
                try (OutputStream os = Files.newOutputStream(o.outDir().resolve(KERNEL_INFO))) {
                    p.store(os, "kernel of the last full guest build");
                }
                return kp;
            }
            progress.detail(versioned + " lacks " + String.join(", ", missing) + ": trying the next kernel");
            tried.add(versioned + " (lacks " + String.join(", ", missing) + ")");
        }
        throw new OsBuilderException("no kernel package has every needed module: " + String.join("; ", tried));
    }

    /** The wanted modules the package lacks; remembered next to the unpacked package. */
    private List<String> missingModules(KernelPackage kp) throws IOException {
        Path memo = kp.root().resolve(".missing-" + JavaRuntime.sha256(String.join(",", o.modules())).substring(0, 12));
        if (Files.exists(memo)) {
            return Files.readAllLines(memo).stream().filter(l -> !l.isBlank()).toList();
        }
        List<String> missing = KernelModules.scan(kp.modulesDir()).missing(o.modules());
        Files.write(memo, missing);
        return missing;
    }

    private KernelPackage lastKernel(Path cache) throws IOException {
        Path f = o.outDir().resolve(KERNEL_INFO);
        if (!Files.exists(f) || !Files.exists(o.outDir().resolve(KERNEL_FILE))) {
            throw new OsBuilderException("no full guest build in " + o.outDir() + " yet (missing " + f
                    + "): run build-guest.sh first");
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(f)) {
            p.load(in);
        }
        Path root = Path.of(p.getProperty("root", ""));
        if (!Files.isDirectory(root)) {
            return KernelPackage.fetch(p.getProperty("package"), cache, progress);
        }
        return new KernelPackage(p.getProperty("package"), root, p.getProperty("version"));
    }

    private void extractKernel(KernelPackage kp, Path kernelOut) throws IOException {
        Path src = o.outDir().resolve(KERNEL_FILE + ".source");
        String want = kp.root().getFileName() + "\n";
        if (Files.exists(kernelOut) && Files.exists(src) && Files.readString(src).equals(want)) {
            progress.detail("kept " + kernelOut + " (same package)");
            return;
        }
        VmlinuxExtractor.Candidate c = VmlinuxExtractor.extract(kp.vmlinuz(), kernelOut);
        progress.detail(String.format("%s payload at offset %d -> %s (%.1f MiB)", c == null ? "plain" : c.format(),
                c == null ? 0 : c.offset(), kernelOut, Files.size(kernelOut) / 1048576.0));
        Files.writeString(src, want);
    }

    private void stageRoot(RootfsStager st, KernelPackage kp, List<KernelModules.Module> order, Path jvm,
                           Path modulePath) throws IOException {
        st.skeleton();
        Path root = st.root();
        // kernel modules, at their usual paths, with the ordered load list next to them
        String modBase = "usr/lib/modules/" + kp.version() + "/";
        StringBuilder list = new StringBuilder();
        for (KernelModules.Module m : order) {
            st.copy(kp.modulesDir().resolve(m.path()), modBase + m.path());
            list.append(m.path()).append('\n');
        }
        st.writeString(modBase + InitScript.MODULE_LIST, list.toString(), "rw-r--r--");
        // programs
        st.binary(Path.of("/usr/bin/crun"), "usr/bin/crun");
        Path tini = Files.exists(Path.of("/usr/bin/tini-static")) ? Path.of("/usr/bin/tini-static") : Path.of("/usr/bin/tini");
        st.binary(tini, "usr/bin/tini");
        st.busybox(Path.of("/bin/busybox"));
        // Java runtime and the agent
        Tree.copy(jvm, root.resolve("opt/jkata/jvm"));
        Files.deleteIfExists(root.resolve("opt/jkata/jvm/.complete"));
        st.librariesOfTree("opt/jkata/jvm");
        Path agentDir = root.resolve("opt/jkata/agent");
        Tree.copy(modulePath, agentDir);
        TreeSet<String> moduleNames = AgentJars.moduleNames(agentDir);
        if (!AgentJars.hasAgentMain(agentDir)) {
            progress.detail("WARNING: the jars have no " + AgentJars.AGENT_MODULE + "/" + AgentJars.AGENT_MAIN
                    + " yet: the guest boots but its agent will not start");
        }
        List<String> args = new ArrayList<>(o.jvmOptions());
        args.add("--enable-native-access=ALL-UNNAMED," + String.join(",", moduleNames));
        args.add("-p");
        args.add("/opt/jkata/agent");
        args.add("-m");
        args.add(AgentJars.AGENT_MODULE + "/" + AgentJars.AGENT_MAIN);
        st.writeString(InitScript.AGENT_ARGS, String.join("\n", args) + "\n", "rw-r--r--");
        // files the programs expect
        st.writeString("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n", "rw-r--r--");
        st.writeString("etc/group", "root:x:0:\ntty:x:5:\nnogroup:x:65534:\n", "rw-r--r--");
        st.writeString("etc/hosts", "127.0.0.1 localhost\n::1 localhost\n", "rw-r--r--");
        st.writeString("etc/hostname", "jkata\n", "rw-r--r--");
        st.writeString("etc/resolv.conf", "", "rw-r--r--");
        st.writeString("etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n", "rw-r--r--");
        st.writeString("init", InitScript.render(kp.version()), "rwxr-xr-x");
        progress.detail(st.librariesCopied().size() + " shared libraries, " + moduleNames.size() + " agent modules");
    }

    /** One fixed mtime for every staged file, so the image only changes when a file's content does. */
    static final java.nio.file.attribute.FileTime FIXED_TIME = java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L);

    private static void fixTimes(Path stage) throws IOException {
        try (var s = Files.walk(stage)) {
            for (Path p : s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
                Files.setLastModifiedTime(p, FIXED_TIME);
            }
        }
    }

    private static void writeInitrd(Path stage, Path initrdOut) throws IOException {
        Path tmp = initrdOut.resolveSibling(initrdOut.getFileName() + ".tmp");
        try (CpioWriter w = new CpioWriter(Files.newOutputStream(tmp))) {
            // the kernel opens /dev/console before running /init: it must exist in the archive
            w.write(new CpioWriter.Entry.Directory("dev", 0755));
            w.write(new CpioWriter.Entry.CharDevice("dev/console", 0600, 5, 1));
            w.write(new CpioWriter.Entry.CharDevice("dev/null", 0666, 1, 3));
            for (CpioWriter.Entry e : CpioWriter.entriesOf(stage)) {
                switch (e) {
                    case CpioWriter.Entry.Directory d when d.path().equals("dev") -> { }
                    case CpioWriter.Entry.Directory d when d.path().equals("tmp") ->
                            w.write(new CpioWriter.Entry.Directory("tmp", 01777));
                    default -> w.write(e);
                }
            }
        }
        Files.move(tmp, initrdOut, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
