package dev.jkata.agent.guest;

import dev.jkata.agent.AgentException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * CopyFile: the host writes a file into the guest in chunks. Only paths under the allowed
 * directory (/run/kata-containers in the guest) are accepted.
 */
public final class CopyFiles {

    private final Path allowed;

    public CopyFiles(Path allowed) {
        this.allowed = allowed;
    }

    /** The request's path, checked: absolute, canonical (no "..", no "."), below the allowed dir. */
    public Path check(String path) {
        if (path.isEmpty() || !path.startsWith("/")) {
            throw AgentException.invalid("CopyFile path must be absolute, got '" + path + "'");
        }
        for (String part : path.substring(1).split("/")) {
            if (part.equals("..") || part.equals(".") || part.isEmpty()) {
                throw AgentException.invalid("CopyFile path must be canonical (no '.', '..' or '//'), got '" + path + "'");
            }
        }
        Path p = Path.of(path);
        if (!p.startsWith(allowed) || p.equals(allowed)) {
            throw AgentException.invalid("CopyFile path " + path + " is outside " + allowed + "; only files below "
                    + allowed + " may be written");
        }
        return p;
    }

    /**
     * Writes one chunk. Directories are created with {@code dirMode}; the file gets
     * {@code fileMode}, uid and gid. A symlink in the way is refused.
     */
    public void write(String path, long fileSize, int fileMode, int dirMode, int uid, int gid, long offset,
            byte[] data) {
        Path p = check(path);
        if (offset < 0 || (fileSize > 0 && offset + data.length > fileSize)) {
            throw AgentException.invalid("CopyFile " + path + ": chunk at offset " + offset + " of " + data.length
                    + " bytes does not fit the file size " + fileSize);
        }
        try {
            makeDirs(p.getParent(), dirMode);
            int type = fileMode & 0170000;
            if (type == 0040000) {
                makeDirs(p, fileMode & 07777);
                chown(p, uid, gid);
                return;
            }
            if (type == 0120000) {
                Files.deleteIfExists(p);
                Files.createSymbolicLink(p, Path.of(new String(data, java.nio.charset.StandardCharsets.UTF_8)));
                return;
            }
            if (Files.isSymbolicLink(p)) {
                throw AgentException.invalid("CopyFile " + path + " is a symbolic link; refusing to write through it");
            }
            Set<StandardOpenOption> opts = EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (offset == 0) {
                opts.add(StandardOpenOption.TRUNCATE_EXISTING);
            }
            try (FileChannel ch = FileChannel.open(p, opts)) {
                ByteBuffer b = ByteBuffer.wrap(data);
                long pos = offset;
                while (b.hasRemaining()) {
                    pos += ch.write(b, pos);
                }
            }
            Files.setPosixFilePermissions(p, perms(fileMode == 0 ? 0644 : fileMode & 07777));
            chown(p, uid, gid);
        } catch (IOException e) {
            throw AgentException.internal("CopyFile " + path + ": " + e.getMessage(), e);
        }
    }

    private void makeDirs(Path dir, int mode) throws IOException {
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        makeDirs(dir.getParent(), mode);
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, perms(mode == 0 ? 0755 : mode & 07777));
    }

    private static void chown(Path p, int uid, int gid) throws IOException {
        if (uid >= 0) {
            Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        }
        if (gid >= 0) {
            Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        }
    }

    static Set<PosixFilePermission> perms(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }
}
