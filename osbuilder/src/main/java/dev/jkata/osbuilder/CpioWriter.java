package dev.jkata.osbuilder;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes an uncompressed "newc" cpio archive (the initramfs format the kernel unpacks). The output is
 * deterministic: entries in path order, owner root, inode numbers counted from 1, mtime 0 except for
 * regular files, which keep theirs (the JVM's AOT cache checks the mtime of the jars it was made with;
 * the builder sets every staged file to one fixed time).
 */
public final class CpioWriter implements AutoCloseable {
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFCHR = 0020000;

    /** One archive member; {@code path} is relative to the archive root, without a leading '/'. */
    public sealed interface Entry {
        String path();

        record Directory(String path, int perms) implements Entry {}

        record File(String path, int perms, Path source) implements Entry {}

        record Symlink(String path, String target) implements Entry {}

        record CharDevice(String path, int perms, int major, int minor) implements Entry {}
    }

    private final OutputStream out;
    private long written;
    private int nextIno = 1;

    public CpioWriter(OutputStream out) {
        this.out = new BufferedOutputStream(out, 1 << 16);
    }

    /** The entries for everything below {@code root}, parents before children, in name order. */
    public static List<Entry> entriesOf(Path root) {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.comparing(Path::toString)).toList()) {
                if (p.equals(root)) {
                    continue;
                }
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    entries.add(new Entry.Symlink(rel, Files.readSymbolicLink(p).toString()));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    entries.add(new Entry.Directory(rel, perms(p)));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    entries.add(new Entry.File(rel, perms(p), p));
                } else {
                    throw new OsBuilderException("cannot put " + p + " into the initrd: not a file, directory or symlink");
                }
            }
        } catch (IOException e) {
            throw new OsBuilderException("cannot read the staged root " + root, e);
        }
        return entries;
    }

    /** Writes one entry. */
    public void write(Entry e) throws IOException {
        String name = e.path().startsWith("/") ? e.path().substring(1) : e.path();
        if (name.isEmpty()) {
            throw new OsBuilderException("cpio entry with an empty path");
        }
        switch (e) {
            case Entry.Directory d -> header(name, S_IFDIR | d.perms(), 2, 0, 0, 0);
            case Entry.File f -> {
                long size = Files.size(f.source());
                if (size > 0xffff_ffffL) {
                    throw new OsBuilderException("file " + f.source() + " is too large for a newc cpio (4 GiB max)");
                }
                long mtime = Files.getLastModifiedTime(f.source()).toMillis() / 1000;
                header(name, S_IFREG | f.perms(), 1, size, 0, 0, mtime);
                try (InputStream in = Files.newInputStream(f.source())) {
                    long n = in.transferTo(out);
                    if (n != size) {
                        throw new OsBuilderException("file " + f.source() + " changed size while archiving it");
                    }
                    written += n;
                }
                pad();
            }
            case Entry.Symlink l -> {
                byte[] target = l.target().getBytes(StandardCharsets.UTF_8);
                header(name, S_IFLNK | 0777, 1, target.length, 0, 0);
                bytes(target);
                pad();
            }
            case Entry.CharDevice c -> header(name, S_IFCHR | c.perms(), 1, 0, c.major(), c.minor());
        }
    }

    /** Writes the trailer and flushes; the underlying stream is closed too. */
    @Override
    public void close() throws IOException {
        try {
            header("TRAILER!!!", 0, 1, 0, 0, 0);
            out.flush();
        } finally {
            out.close();
        }
    }

    private void header(String name, int mode, int nlink, long size, int rdevMajor, int rdevMinor) throws IOException {
        header(name, mode, nlink, size, rdevMajor, rdevMinor, 0);
    }

    private void header(String name, int mode, int nlink, long size, int rdevMajor, int rdevMinor, long mtime)
            throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        boolean trailer = name.equals("TRAILER!!!");
        StringBuilder h = new StringBuilder(110).append("070701");
        hex(h, trailer ? 0 : nextIno++);
        hex(h, mode);
        hex(h, 0); // uid
        hex(h, 0); // gid
        hex(h, nlink);
        hex(h, Math.max(0, mtime));
        hex(h, size);
        hex(h, 0); // dev major
        hex(h, 0); // dev minor
        hex(h, rdevMajor);
        hex(h, rdevMinor);
        hex(h, nameBytes.length + 1);
        hex(h, 0); // check
        bytes(h.toString().getBytes(StandardCharsets.US_ASCII));
        bytes(nameBytes);
        bytes(new byte[] {0});
        pad();
    }

    private static void hex(StringBuilder h, long v) {
        String s = Long.toHexString(v);
        h.append("0".repeat(8 - s.length())).append(s);
    }

    private void bytes(byte[] b) throws IOException {
        out.write(b);
        written += b.length;
    }

    private void pad() throws IOException {
        while (written % 4 != 0) {
            out.write(0);
            written++;
        }
    }

    static int perms(Path p) throws IOException {
        Set<PosixFilePermission> s = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        int m = 0;
        for (PosixFilePermission x : s) {
            m |= switch (x) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return m;
    }
}
