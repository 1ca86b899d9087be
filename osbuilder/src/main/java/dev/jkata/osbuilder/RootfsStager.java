package dev.jkata.osbuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Fills a staging directory that becomes the guest's root: host binaries with the shared libraries
 * {@code ldd} says they need, busybox with its applet links, plain files and directories. The layout
 * is Debian's merged /usr: {@code lib -> usr/lib}, {@code lib64 -> usr/lib64}.
 */
final class RootfsStager {
    private static final Pattern LDD_ARROW = Pattern.compile("^\\s*(\\S+)\\s+=>\\s+(\\S+)\\s+\\(0x[0-9a-f]+\\)");
    private static final Pattern LDD_PLAIN = Pattern.compile("^\\s*(/\\S+)\\s+\\(0x[0-9a-f]+\\)");
    private static final Pattern LDD_MISSING = Pattern.compile("^\\s*(\\S+)\\s+=>\\s+not found");

    private final Path root;
    private final Set<String> libsCopied = new LinkedHashSet<>();

    RootfsStager(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** Creates the base directory tree. */
    void skeleton() throws IOException {
        for (String d : List.of("bin", "sbin", "usr/bin", "usr/sbin", "usr/lib", "usr/lib64", "etc", "proc", "sys",
                "dev", "run", "tmp", "mnt", "root", "var", "lib/modules")) {
            Files.createDirectories(root.resolve(d.equals("lib/modules") ? "usr/lib/modules" : d));
        }
        symlink("lib", "usr/lib");
        symlink("lib64", "usr/lib64");
        Files.setPosixFilePermissions(root.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    void symlink(String at, String target) throws IOException {
        Path link = root.resolve(at);
        Files.createDirectories(link.getParent());
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(link);
        }
        Files.createSymbolicLink(link, Path.of(target));
    }

    /** Copies a host file (following symlinks) to {@code dest} in the root, keeping its permissions. */
    Path copy(Path host, String dest) throws IOException {
        if (!Files.isRegularFile(host)) {
            throw new OsBuilderException("host file " + host + " does not exist (needed for the guest at /" + dest + ")");
        }
        Path to = root.resolve(strip(dest));
        Files.createDirectories(to.getParent());
        Files.copy(host, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        return to;
    }

    void writeString(String dest, String content, String perms) throws IOException {
        Path to = root.resolve(strip(dest));
        Files.createDirectories(to.getParent());
        Files.writeString(to, content);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(perms));
    }

    /** Copies an executable and every library it needs. */
    void binary(Path host, String dest) throws IOException {
        Path staged = copy(host, dest);
        libraries(staged);
    }

    /** Copies the libraries {@code ldd} lists for a staged ELF file into the root (once each). */
    void libraries(Path staged) throws IOException {
        libraries(staged, Set.of());
    }

    /** As {@link #libraries(Path)}; libraries named in {@code provided} may be missing (they are dlopen'ed from the tree). */
    void libraries(Path staged, Set<String> provided) throws IOException {
        Exec.Result r = Exec.runAllowingFailure(null, List.of("ldd", staged.toString()), 60);
        String out = r.stdout();
        if (r.exitCode() != 0) {
            if (out.contains("not a dynamic executable") || r.stderr().contains("not a dynamic executable")
                    || out.contains("statically linked")) {
                return;
            }
            throw new OsBuilderException("ldd " + staged + " failed: " + Exec.tail(r.stderr() + out));
        }
        for (String line : out.split("\n")) {
            Matcher miss = LDD_MISSING.matcher(line);
            if (miss.find() && !provided.contains(miss.group(1))) {
                throw new OsBuilderException("library " + miss.group(1) + " needed by " + staged + " is not on the host");
            }
            if (line.contains("not found")) {
                continue;
            }
            Matcher m = LDD_ARROW.matcher(line);
            String lib = m.find() ? m.group(2) : null;
            if (lib == null) {
                Matcher p = LDD_PLAIN.matcher(line);
                lib = p.find() ? p.group(1) : null;
            }
            if (lib == null || lib.startsWith(root.toString() + "/")) {
                continue; // vdso, or a library that already lives in the staged tree (e.g. the JVM's own)
            }
            if (libsCopied.add(lib)) {
                copy(Path.of(lib), guestPathOf(lib));
            }
        }
    }

    /** Every ELF file below {@code dir} in the root gets its libraries. */
    void librariesOfTree(String dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(root.resolve(strip(dir)))) {
            files = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
        }
        Set<String> names = new java.util.HashSet<>();
        for (Path f : files) {
            names.add(f.getFileName().toString());
        }
        for (Path f : files) {
            if (isElf(f)) {
                libraries(f, names);
            }
        }
    }

    /** Installs busybox at /bin/busybox and a link for each applet it lists. */
    void busybox(Path host) throws IOException {
        binary(host, "bin/busybox");
        String list = Exec.run(null, List.of(host.toString(), "--list-full"));
        for (String applet : list.split("\n")) {
            String a = applet.strip();
            if (a.isEmpty() || a.equals("bin/busybox")) {
                continue;
            }
            Path link = root.resolve(a);
            if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                continue; // a real program (crun, tini) wins over the applet
            }
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, Path.of("/bin/busybox"));
        }
    }

    /** The path a host library gets in the guest: /lib and /lib64 are links into /usr there. */
    static String guestPathOf(String hostLib) {
        String p = strip(hostLib);
        if (p.startsWith("lib/") || p.startsWith("lib64/")) {
            return "usr/" + p;
        }
        return p;
    }

    List<String> librariesCopied() {
        return new ArrayList<>(libsCopied);
    }

    private static boolean isElf(Path f) throws IOException {
        try (var in = Files.newInputStream(f)) {
            return VmlinuxExtractor.isElf(in.readNBytes(4));
        }
    }

    private static String strip(String p) {
        return p.startsWith("/") ? p.substring(1) : p;
    }
}
