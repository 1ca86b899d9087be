package dev.jkata.osbuilder;

import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * The guest's Java runtime: {@code jlink} of the JDK modules the agent jars need (as {@code jdeps}
 * reports them), cached in the build directory under a key made of the JDK release, the module list
 * and the jlink options, so it is made once.
 */
final class JavaRuntime {
    /** Modules added whatever jdeps says: the agent loads these by name or through services. */
    private static final List<String> ALWAYS = List.of("java.base", "jdk.unsupported");

    /** Changes when the way the runtime is made changes (e.g. stripping), so old cache entries are not reused. */
    private static final String LAYOUT = "stripped-1";

    private JavaRuntime() {}

    /** As {@link #modulesFor(Path, Path)}, remembered in {@code cache} under a digest of the jars. */
    static TreeSet<String> modulesFor(Path jdk, Path modulePath, Path cache) throws IOException {
        StringBuilder key = new StringBuilder(jdk.toString());
        for (Path j : AgentJars.jarsIn(modulePath)) {
            key.append('|').append(j.getFileName()).append(':').append(sha256(Files.readAllBytes(j)));
        }
        Path memo = cache.resolve("jdeps-" + sha256(key.toString()).substring(0, 16) + ".txt");
        if (Files.exists(memo)) {
            return new TreeSet<>(List.of(Files.readString(memo).strip().split(",")));
        }
        TreeSet<String> mods = modulesFor(jdk, modulePath);
        Files.createDirectories(cache);
        Files.writeString(memo, String.join(",", mods) + "\n");
        return mods;
    }

    /** The JDK modules the agent's module path (a directory of jars) needs. */
    static TreeSet<String> modulesFor(Path jdk, Path modulePath) {
        TreeSet<String> mods = new TreeSet<>(ALWAYS);
        if (AgentJars.jarsIn(modulePath).isEmpty()) {
            return mods;
        }
        List<String> cmd = new ArrayList<>(List.of(jdk.resolve("bin/jdeps").toString(), "--ignore-missing-deps",
                "--print-module-deps", "--multi-release", "25", "-q", "--module-path", modulePath.toString(),
                "--add-modules", "ALL-MODULE-PATH"));
        addAll(mods, Exec.run(null, cmd));
        // jdeps does not look into automatic modules (plain jars such as protobuf-java) in module mode:
        // analyse those on the class path, with the others there to resolve against
        for (ModuleReference r : ModuleFinder.of(modulePath).findAll()) {
            if (r.descriptor().isAutomatic() && r.location().isPresent()) {
                addAll(mods, Exec.run(null, List.of(jdk.resolve("bin/jdeps").toString(), "--ignore-missing-deps",
                        "--print-module-deps", "--multi-release", "25", "-q", "-cp", modulePath + "/*",
                        Path.of(r.location().get()).toString())));
            }
        }
        return mods;
    }

    private static void addAll(TreeSet<String> mods, String jdepsOut) {
        for (String m : jdepsOut.strip().split(",")) {
            if (!m.isBlank()) {
                mods.add(m.strip());
            }
        }
    }

    /** Returns a cached jlinked runtime for {@code modules}, making it if needed. */
    static Path jlink(Path jdk, TreeSet<String> modules, List<String> options, Path cache, Progress progress) {
        try {
            String release = Files.readString(jdk.resolve("release"), StandardCharsets.UTF_8);
            String key = sha256(LAYOUT + "|" + release + "|" + String.join(",", modules) + "|" + String.join(" ", options)).substring(0, 16);
            Path out = cache.resolve("jvm-" + key);
            if (Files.exists(out.resolve(".complete"))) {
                progress.detail("cached runtime " + out.getFileName() + " (" + String.join(",", modules) + ")");
                return out;
            }
            if (Files.exists(out)) {
                Tree.delete(out);
            }
            Files.createDirectories(cache);
            progress.detail("jlink " + String.join(",", modules) + " " + String.join(" ", options));
            List<String> cmd = new ArrayList<>(List.of(jdk.resolve("bin/jlink").toString(),
                    "--add-modules", String.join(",", modules), "--output", out.toString()));
            cmd.addAll(options);
            Exec.run(null, cmd);
            stripNativeLibraries(out, progress);
            Files.writeString(out.resolve(".complete"), key + "\n");
            return out;
        } catch (IOException e) {
            throw new OsBuilderException("cannot make the guest Java runtime in " + cache, e);
        }
    }

    /**
     * {@code strip --strip-unneeded} on the runtime's shared libraries (libjvm.so carries ~5 MB of
     * symbols); skipped with a note when binutils' strip is not installed.
     */
    private static void stripNativeLibraries(Path runtime, Progress progress) throws IOException {
        if (!Files.isExecutable(Path.of("/usr/bin/strip"))) {
            progress.detail("no /usr/bin/strip (binutils): native libraries left unstripped");
            return;
        }
        List<Path> libs;
        try (var s = Files.walk(runtime.resolve("lib"))) {
            libs = s.filter(p -> p.getFileName().toString().endsWith(".so")).toList();
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/strip", "--strip-unneeded"));
        libs.forEach(l -> cmd.add(l.toString()));
        if (!libs.isEmpty()) {
            Exec.run(null, cmd);
        }
    }

    static String sha256(String s) {
        return sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
