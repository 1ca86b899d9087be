package dev.jkata.osbuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Debian kernel image package, downloaded with {@code apt-get download} (never installed) and
 * unpacked with {@code dpkg-deb -x} into the build cache.
 *
 * @param packageName e.g. {@code linux-image-6.1.0-56-cloud-amd64}
 * @param root        the unpacked package
 * @param version     the kernel release, e.g. {@code 6.1.0-56-cloud-amd64}
 */
public record KernelPackage(String packageName, Path root, String version) {
    private static final Pattern DEPENDS = Pattern.compile("Depends:\\s+(linux-image-\\S+)");

    /** The compressed kernel image of the package. */
    public Path vmlinuz() {
        return root.resolve("boot/vmlinuz-" + version);
    }

    /** The package's {@code lib/modules/<version>} directory. */
    public Path modulesDir() {
        Path usr = root.resolve("usr/lib/modules/" + version);
        return Files.isDirectory(usr) ? usr : root.resolve("lib/modules/" + version);
    }

    /**
     * Resolves a meta package ({@code linux-image-cloud-amd64}) to the versioned image package it
     * depends on; a versioned name is returned as it is.
     */
    public static String resolve(String metaOrVersioned) {
        if (metaOrVersioned.matches("linux-image-\\d.*")) {
            return metaOrVersioned;
        }
        String out = Exec.run(null, List.of("apt-cache", "depends", metaOrVersioned));
        Matcher m = DEPENDS.matcher(out);
        if (!m.find()) {
            throw new OsBuilderException("package " + metaOrVersioned
                    + " does not depend on a versioned linux-image package (apt-cache depends says: "
                    + out.strip() + ")");
        }
        return m.group(1);
    }

    /** Downloads (if not cached) and unpacks (if not already) {@code packageName} below {@code cache}. */
    public static KernelPackage fetch(String packageName, Path cache, Progress progress) {
        try {
            Path debs = Files.createDirectories(cache.resolve("debs"));
            Path deb = findDeb(debs, packageName);
            if (deb == null) {
                progress.detail("apt-get download " + packageName);
                Exec.run(debs, List.of("apt-get", "download", "-q", packageName));
                deb = findDeb(debs, packageName);
                if (deb == null) {
                    throw new OsBuilderException("apt-get download " + packageName + " left no .deb in " + debs);
                }
            } else {
                progress.detail("cached " + deb.getFileName());
            }
            String stem = deb.getFileName().toString().replaceAll("\\.deb$", "");
            Path root = cache.resolve("kernel").resolve(stem);
            Path done = root.resolve(".unpacked");
            if (!Files.exists(done)) {
                progress.detail("dpkg-deb -x " + deb.getFileName());
                Files.createDirectories(root);
                Exec.run(null, List.of("dpkg-deb", "-x", deb.toString(), root.toString()));
                Files.writeString(done, stem + "\n");
            }
            return new KernelPackage(packageName, root, versionIn(root, packageName));
        } catch (IOException e) {
            throw new OsBuilderException("cannot prepare kernel package " + packageName + " in " + cache, e);
        }
    }

    private static Path findDeb(Path dir, String pkg) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(pkg + "_")
                            && p.getFileName().toString().endsWith(".deb"))
                    .sorted().reduce((a, b) -> b).orElse(null);
        }
    }

    private static String versionIn(Path root, String pkg) throws IOException {
        Path boot = root.resolve("boot");
        if (!Files.isDirectory(boot)) {
            throw new OsBuilderException("package " + pkg + " has no /boot directory: is it a kernel image package?");
        }
        try (Stream<Path> s = Files.list(boot)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("vmlinuz-"))
                    .map(n -> n.substring("vmlinuz-".length()))
                    .findFirst()
                    .orElseThrow(() -> new OsBuilderException("package " + pkg + " has no boot/vmlinuz-*"));
        }
    }
}
