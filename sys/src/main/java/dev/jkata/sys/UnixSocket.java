package dev.jkata.sys;

import dev.jkata.sys.internal.Calls;
import java.nio.file.Files;
import java.nio.file.Path;

/** AF_UNIX stream sockets made through FFM, for passing file descriptors (SCM_RIGHTS). */
public final class UnixSocket {

    private UnixSocket() {
    }

    /** Connects to the socket at {@code path}. */
    public static FdSocket connect(Path path) {
        int fd = Calls.socket(Calls.AF_UNIX, Calls.SOCK_STREAM, "AF_UNIX");
        try {
            Calls.connectUnix(fd, path.toString());
        } catch (RuntimeException e) {
            Calls.closeQuietly(fd);
            throw e;
        }
        return new FdSocket(fd, "unix:" + path);
    }

    /**
     * Listens at {@code path}, replacing a stale socket file there (a regular file or directory
     * is left alone and makes bind fail). Closing the server removes the file.
     */
    public static FdServerSocket listen(Path path) {
        try {
            if (Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path)) {
                Files.delete(path);
            }
        } catch (java.io.IOException e) {
            throw new SysException("unlink(" + path + ") before bind: " + e.getMessage(), Errno.EACCES);
        }
        int fd = Calls.socket(Calls.AF_UNIX, Calls.SOCK_STREAM, "AF_UNIX");
        try {
            Calls.bindUnix(fd, path.toString());
            Calls.listen(fd, 16, "unix " + path);
        } catch (RuntimeException e) {
            Calls.closeQuietly(fd);
            throw e;
        }
        return new FdServerSocket(fd, "unix:" + path, path);
    }

    /** A connected pair (socketpair(2)). */
    public static FdSocket[] pair() {
        int[] fds = Calls.socketpair(Calls.AF_UNIX, Calls.SOCK_STREAM);
        return new FdSocket[] {new FdSocket(fds[0], "socketpair:0"), new FdSocket(fds[1], "socketpair:1")};
    }
}
