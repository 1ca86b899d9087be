package dev.jkata.sys.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.jkata.sys.Errno;
import dev.jkata.sys.SysException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * The policy layer: each method allocates what the call needs, calls {@link Libc}, retries on
 * EINTR where that is safe, and turns a failure into a {@link SysException} naming the call.
 */
public final class Calls {

    public static final int AF_UNIX = 1;
    public static final int AF_VSOCK = 40;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int O_RDWR = 2;
    public static final int O_NOCTTY = 0x100;
    public static final int O_CLOEXEC = 0x80000;
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;
    static final int SOL_SOCKET = 1;
    static final int SCM_RIGHTS = 1;
    static final int MSG_CTRUNC = 0x8;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int MSG_CMSG_CLOEXEC = 0x40000000;
    static final int UNIX_PATH_MAX = 108;
    /** Largest chunk moved by one read or write call. */
    static final int MAX_IO = 64 * 1024;

    private Calls() {
    }

    private static MemorySegment state(Arena a) {
        return a.allocate(Libc.CALL_STATE);
    }

    private static MemorySegment cstr(Arena a, String s) {
        return s == null ? MemorySegment.NULL : a.allocateFrom(s);
    }

    private static int check(int r, MemorySegment st, String call) {
        if (r == -1) {
            throw new SysException(call, Libc.errno(st));
        }
        return r;
    }

    public static void mount(String source, String target, String fstype, long flags, String data) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            int r = Libc.mount(st, cstr(a, source), cstr(a, target), cstr(a, fstype), flags, cstr(a, data));
            if (r == -1) {
                StringBuilder call = new StringBuilder("mount(").append(source).append(" on ").append(target);
                if (fstype != null) {
                    call.append(", type ").append(fstype);
                }
                if (flags != 0) {
                    call.append(", flags 0x").append(Long.toHexString(flags));
                }
                if (data != null && !data.isEmpty()) {
                    call.append(", data ").append(data);
                }
                throw new SysException(call.append(')').toString(), Libc.errno(st));
            }
        }
    }

    public static void umount2(String target, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            check(Libc.umount2(st, cstr(a, target), flags), st, "umount2(" + target + ", flags " + flags + ")");
        }
    }

    public static int socket(int domain, int type, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            return check(Libc.socket(st, domain, type | SOCK_CLOEXEC, 0), st, "socket(" + what + ", SOCK_STREAM)");
        }
    }

    public static int[] socketpair(int domain, int type) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            MemorySegment fds = a.allocate(JAVA_INT, 2);
            check(Libc.socketpair(st, domain, type | SOCK_CLOEXEC, 0, fds), st, "socketpair(AF_UNIX, SOCK_STREAM)");
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        }
    }

    /** sockaddr_vm: family u16, reserved u16, port u32, cid u32, flags u8, zero[3]. */
    private static MemorySegment vsockAddr(Arena a, int cid, int port) {
        MemorySegment sa = a.allocate(16, 4);
        sa.set(JAVA_SHORT, 0, (short) AF_VSOCK);
        sa.set(JAVA_INT, 4, port);
        sa.set(JAVA_INT, 8, cid);
        return sa;
    }

    /** sockaddr_un: family u16, path[108] NUL-terminated. */
    private static MemorySegment unixAddr(Arena a, String path, String call) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length >= UNIX_PATH_MAX) {
            throw new SysException(call + " path of " + p.length + " bytes, at most " + (UNIX_PATH_MAX - 1), Errno.ENAMETOOLONG);
        }
        MemorySegment sa = a.allocate(2 + UNIX_PATH_MAX, 2);
        sa.set(JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(p, 0, sa, JAVA_BYTE, 2, p.length);
        return sa;
    }

    public static void connectVsock(int fd, int cid, int port) {
        String call = "connect(vsock cid " + Integer.toUnsignedString(cid) + " port " + Integer.toUnsignedString(port) + ")";
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            MemorySegment sa = vsockAddr(a, cid, port);
            check(Libc.connect(st, fd, sa, (int) sa.byteSize()), st, call);
        }
    }

    public static void bindVsock(int fd, int cid, int port) {
        String call = "bind(vsock cid " + Integer.toUnsignedString(cid) + " port " + Integer.toUnsignedString(port) + ")";
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            MemorySegment sa = vsockAddr(a, cid, port);
            check(Libc.bind(st, fd, sa, (int) sa.byteSize()), st, call);
        }
    }

    public static void connectUnix(int fd, String path) {
        String call = "connect(unix " + path + ")";
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            MemorySegment sa = unixAddr(a, path, call);
            check(Libc.connect(st, fd, sa, (int) sa.byteSize()), st, call);
        }
    }

    public static void bindUnix(int fd, String path) {
        String call = "bind(unix " + path + ")";
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            MemorySegment sa = unixAddr(a, path, call);
            check(Libc.bind(st, fd, sa, (int) sa.byteSize()), st, call);
        }
    }

    public static void listen(int fd, int backlog, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            check(Libc.listen(st, fd, backlog), st, "listen(" + what + ")");
        }
    }

    public static int accept(int fd, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            while (true) {
                int r = Libc.accept4(st, fd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC);
                if (r >= 0) {
                    return r;
                }
                int errno = Libc.errno(st);
                if (errno != Errno.EINTR) {
                    throw new SysException("accept(" + what + ")", errno);
                }
            }
        }
    }

    /** shutdown(2); a socket that is not connected is not an error here. */
    public static void shutdown(int fd, int how) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            if (Libc.shutdown(st, fd, how) == -1) {
                int errno = Libc.errno(st);
                if (errno != Errno.ENOTCONN) {
                    throw new SysException("shutdown(fd " + fd + ", how " + how + ")", errno);
                }
            }
        }
    }

    /** read(2) into {@code b}; returns the count, or 0 at end of file. Retries EINTR. */
    public static int read(int fd, byte[] b, int off, int len) {
        int n = Math.min(len, MAX_IO);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            MemorySegment buf = a.allocate(Math.max(n, 1));
            while (true) {
                long r = Libc.read(st, fd, buf, n);
                if (r >= 0) {
                    MemorySegment.copy(buf, JAVA_BYTE, 0, b, off, (int) r);
                    return (int) r;
                }
                int errno = Libc.errno(st);
                if (errno != Errno.EINTR) {
                    throw new SysException("read(fd " + fd + ", " + n + " bytes)", errno);
                }
            }
        }
    }

    /** write(2) of at most {@link #MAX_IO} bytes; returns how many were written. Retries EINTR. */
    public static int write(int fd, byte[] b, int off, int len) {
        int n = Math.min(len, MAX_IO);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            MemorySegment buf = a.allocate(Math.max(n, 1));
            MemorySegment.copy(b, off, buf, JAVA_BYTE, 0, n);
            while (true) {
                long r = Libc.write(st, fd, buf, n);
                if (r >= 0) {
                    return (int) r;
                }
                int errno = Libc.errno(st);
                if (errno != Errno.EINTR) {
                    throw new SysException("write(fd " + fd + ", " + n + " bytes)", errno);
                }
            }
        }
    }

    /** close(2). EINTR is not retried (the fd is gone on Linux either way). */
    public static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            if (Libc.close(st, fd) == -1) {
                int errno = Libc.errno(st);
                if (errno != Errno.EINTR) {
                    throw new SysException("close(fd " + fd + ")", errno);
                }
            }
        }
    }

    /** open(2) with close-on-exec added. */
    public static int open(String path, int flags, int mode) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            return check(Libc.open(st, a.allocateFrom(path), flags | O_CLOEXEC, mode), st,
                    "open(" + path + ", flags 0x" + Integer.toHexString(flags) + ")");
        }
    }

    /** settimeofday(2) with no timezone. */
    public static void settimeofday(long seconds, long micros) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            MemorySegment tv = a.allocate(16, 8);
            tv.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, seconds);
            tv.set(java.lang.foreign.ValueLayout.JAVA_LONG, 8, micros);
            check(Libc.settimeofday(st, tv, MemorySegment.NULL), st,
                    "settimeofday(" + seconds + "s " + micros + "us)");
        }
    }

    public static void kill(int pid, int signal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            check(Libc.kill(st, pid, signal), st, "kill(pid " + pid + ", signal " + signal + ")");
        }
    }

    public static int prctl(int option, long arg2, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            return check(Libc.prctl(st, option, arg2, 0, 0, 0), st, "prctl(" + what + ")");
        }
    }

    public static void sethostname(String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            byte[] b = name.getBytes(StandardCharsets.UTF_8);
            MemorySegment s = a.allocate(Math.max(b.length, 1));
            MemorySegment.copy(b, 0, s, JAVA_BYTE, 0, b.length);
            check(Libc.sethostname(st, s, b.length), st, "sethostname(" + name + ")");
        }
    }

    /** The fields of uname(2), each up to 65 bytes. */
    public static String[] uname() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            MemorySegment u = a.allocate(6 * 65);
            check(Libc.uname(st, u), st, "uname()");
            String[] fields = new String[6];
            for (int i = 0; i < 6; i++) {
                fields[i] = u.asSlice(i * 65L, 65).getString(0);
            }
            return fields;
        }
    }

    public static int getpid() {
        try (Arena a = Arena.ofConfined()) {
            return Libc.getpid(state(a));
        }
    }

    public static int[] pipe(int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            MemorySegment fds = a.allocate(JAVA_INT, 2);
            check(Libc.pipe2(st, fds, flags), st, "pipe2(flags 0x" + Integer.toHexString(flags) + ")");
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        }
    }

    public static int fcntl(int fd, int cmd, int arg, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            return check(Libc.fcntl(st, fd, cmd, arg), st, "fcntl(fd " + fd + ", " + what + ")");
        }
    }

    /** A new pty master fd and the path of its slave. */
    public record PtyFds(int master, String slave) {
    }

    /** Opens a new pty master; returns its fd and the slave's path. */
    public static PtyFds openpt() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            int fd = check(Libc.posixOpenpt(st, O_RDWR | O_NOCTTY | O_CLOEXEC), st, "posix_openpt(O_RDWR|O_NOCTTY|O_CLOEXEC)");
            try {
                check(Libc.grantpt(st, fd), st, "grantpt(fd " + fd + ")");
                check(Libc.unlockpt(st, fd), st, "unlockpt(fd " + fd + ")");
                MemorySegment name = a.allocate(128);
                int r = Libc.ptsnameR(st, fd, name, 128);
                if (r != 0) {
                    // ptsname_r returns the error number instead of setting errno
                    throw new SysException("ptsname_r(fd " + fd + ")", r == -1 ? Libc.errno(st) : r);
                }
                return new PtyFds(fd, name.getString(0));
            } catch (RuntimeException e) {
                closeQuietly(fd);
                throw e;
            }
        }
    }

    /** ioctl TIOCGWINSZ: rows, cols, xpixel, ypixel. */
    public static int[] getWindowSize(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            MemorySegment ws = a.allocate(8, 2);
            check(Libc.ioctl(st, fd, 0x5413L, ws), st, "ioctl(fd " + fd + ", TIOCGWINSZ)");
            return new int[] {
                Short.toUnsignedInt(ws.get(JAVA_SHORT, 0)), Short.toUnsignedInt(ws.get(JAVA_SHORT, 2)),
                Short.toUnsignedInt(ws.get(JAVA_SHORT, 4)), Short.toUnsignedInt(ws.get(JAVA_SHORT, 6)),
            };
        }
    }

    /** ioctl TIOCSWINSZ. */
    public static void setWindowSize(int fd, int rows, int cols, int xpixel, int ypixel) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            MemorySegment ws = a.allocate(8, 2);
            ws.set(JAVA_SHORT, 0, (short) rows);
            ws.set(JAVA_SHORT, 2, (short) cols);
            ws.set(JAVA_SHORT, 4, (short) xpixel);
            ws.set(JAVA_SHORT, 6, (short) ypixel);
            check(Libc.ioctl(st, fd, 0x5414L, ws), st,
                    "ioctl(fd " + fd + ", TIOCSWINSZ " + rows + "x" + cols + ")");
        }
    }

    /** tcgetattr + cfmakeraw + tcsetattr(TCSANOW): no echo, no line editing, bytes pass unchanged. */
    public static void makeRaw(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            MemorySegment termios = a.allocate(64, 4); // struct termios is 60 bytes on Linux
            check(Libc.tcgetattr(st, fd, termios), st, "tcgetattr(fd " + fd + ")");
            Libc.cfmakeraw(st, termios);
            check(Libc.tcsetattr(st, fd, 0, termios), st, "tcsetattr(fd " + fd + ", TCSANOW, raw)");
        }
    }

    /** poll(2) one fd for {@code events}; returns revents, or 0 on timeout. Retries EINTR. */
    public static int poll(int fd, int events, int timeoutMillis) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            MemorySegment pfd = a.allocate(8, 4);
            pfd.set(JAVA_INT, 0, fd);
            pfd.set(JAVA_SHORT, 4, (short) events);
            while (true) {
                int r = Libc.poll(st, pfd, 1, timeoutMillis);
                if (r >= 0) {
                    return r == 0 ? 0 : Short.toUnsignedInt(pfd.get(JAVA_SHORT, 6));
                }
                int errno = Libc.errno(st);
                if (errno != Errno.EINTR) {
                    throw new SysException("poll(fd " + fd + ")", errno);
                }
            }
        }
    }

    public static void closeQuietly(int fd) {
        try {
            close(fd);
        } catch (SysException ignored) {
            // best effort on an error path
        }
    }

    static long align8(long n) {
        return (n + 7) & ~7L;
    }
}
