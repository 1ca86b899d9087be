package dev.jkata.sys.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The FFM binding: one downcall handle per libc function, each capturing errno into the
 * segment passed as its first argument (so errno is read per call, never shared). Methods
 * return the raw result; the policy layer ({@link Calls}) turns -1 into exceptions.
 */
public final class Libc {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();

    /** Layout of the call-state segment each call fills. */
    public static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final Fn MOUNT = new Fn("mount", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final Fn UMOUNT2 = new Fn("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final Fn SOCKET = new Fn("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final Fn SOCKETPAIR = new Fn("socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final Fn CONNECT = new Fn("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final Fn BIND = new Fn("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final Fn LISTEN = new Fn("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final Fn ACCEPT4 = new Fn("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final Fn SHUTDOWN = new Fn("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final Fn READ = new Fn("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final Fn WRITE = new Fn("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final Fn CLOSE = new Fn("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final Fn SENDMSG = new Fn("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final Fn RECVMSG = new Fn("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final Fn POSIX_OPENPT = new Fn("posix_openpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final Fn GRANTPT = new Fn("grantpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final Fn UNLOCKPT = new Fn("unlockpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final Fn PTSNAME_R = new Fn("ptsname_r", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final Fn IOCTL_PTR = new Fn("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2));
    private static final Fn KILL = new Fn("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final Fn PRCTL = new Fn("prctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    private static final Fn SETHOSTNAME = new Fn("sethostname", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final Fn UNAME = new Fn("uname", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final Fn GETPID = new Fn("getpid", FunctionDescriptor.of(JAVA_INT));
    private static final Fn PIPE2 = new Fn("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final Fn FCNTL_INT = new Fn("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final Fn OPEN = new Fn("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final Fn SETTIMEOFDAY = new Fn("settimeofday", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final Fn TCGETATTR = new Fn("tcgetattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final Fn TCSETATTR = new Fn("tcsetattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final Fn CFMAKERAW = new Fn("cfmakeraw", FunctionDescriptor.ofVoid(ADDRESS));
    private static final Fn POLL = new Fn("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    private Libc() {
    }

    /**
     * One libc function, linked on its first call: every downcall handle costs a generated class
     * and a native stub, so making all of them when this class loads would cost every process
     * (a TCG guest: seconds) for functions it never calls.
     */
    private static final class Fn {
        private final String name;
        private final FunctionDescriptor descriptor;
        private final Linker.Option[] extra;
        private volatile MethodHandle handle;

        Fn(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
            this.name = name;
            this.descriptor = descriptor;
            this.extra = extra;
        }

        MethodHandle handle() {
            MethodHandle h = handle;
            if (h == null) {
                h = link(name, descriptor, extra);
                handle = h;
            }
            return h;
        }
    }

    private static MethodHandle link(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        MemorySegment symbol = LOOKUP.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no function " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    /** The errno a call stored in its call-state segment. */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }

    public static int mount(MemorySegment st, MemorySegment src, MemorySegment target, MemorySegment fstype, long flags, MemorySegment data) {
        try {
            return (int) MOUNT.handle().invokeExact(st, src, target, fstype, flags, data);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int umount2(MemorySegment st, MemorySegment target, int flags) {
        try {
            return (int) UMOUNT2.handle().invokeExact(st, target, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int socket(MemorySegment st, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.handle().invokeExact(st, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int socketpair(MemorySegment st, int domain, int type, int protocol, MemorySegment fds) {
        try {
            return (int) SOCKETPAIR.handle().invokeExact(st, domain, type, protocol, fds);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int connect(MemorySegment st, int fd, MemorySegment addr, int len) {
        try {
            return (int) CONNECT.handle().invokeExact(st, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int bind(MemorySegment st, int fd, MemorySegment addr, int len) {
        try {
            return (int) BIND.handle().invokeExact(st, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int listen(MemorySegment st, int fd, int backlog) {
        try {
            return (int) LISTEN.handle().invokeExact(st, fd, backlog);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int accept4(MemorySegment st, int fd, MemorySegment addr, MemorySegment len, int flags) {
        try {
            return (int) ACCEPT4.handle().invokeExact(st, fd, addr, len, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int shutdown(MemorySegment st, int fd, int how) {
        try {
            return (int) SHUTDOWN.handle().invokeExact(st, fd, how);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long read(MemorySegment st, int fd, MemorySegment buf, long count) {
        try {
            return (long) READ.handle().invokeExact(st, fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long write(MemorySegment st, int fd, MemorySegment buf, long count) {
        try {
            return (long) WRITE.handle().invokeExact(st, fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int close(MemorySegment st, int fd) {
        try {
            return (int) CLOSE.handle().invokeExact(st, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long sendmsg(MemorySegment st, int fd, MemorySegment msg, int flags) {
        try {
            return (long) SENDMSG.handle().invokeExact(st, fd, msg, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long recvmsg(MemorySegment st, int fd, MemorySegment msg, int flags) {
        try {
            return (long) RECVMSG.handle().invokeExact(st, fd, msg, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int posixOpenpt(MemorySegment st, int flags) {
        try {
            return (int) POSIX_OPENPT.handle().invokeExact(st, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int grantpt(MemorySegment st, int fd) {
        try {
            return (int) GRANTPT.handle().invokeExact(st, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int unlockpt(MemorySegment st, int fd) {
        try {
            return (int) UNLOCKPT.handle().invokeExact(st, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int ptsnameR(MemorySegment st, int fd, MemorySegment buf, long len) {
        try {
            return (int) PTSNAME_R.handle().invokeExact(st, fd, buf, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int ioctl(MemorySegment st, int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL_PTR.handle().invokeExact(st, fd, request, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int kill(MemorySegment st, int pid, int sig) {
        try {
            return (int) KILL.handle().invokeExact(st, pid, sig);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int prctl(MemorySegment st, int option, long a2, long a3, long a4, long a5) {
        try {
            return (int) PRCTL.handle().invokeExact(st, option, a2, a3, a4, a5);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int sethostname(MemorySegment st, MemorySegment name, long len) {
        try {
            return (int) SETHOSTNAME.handle().invokeExact(st, name, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int uname(MemorySegment st, MemorySegment buf) {
        try {
            return (int) UNAME.handle().invokeExact(st, buf);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int getpid(MemorySegment st) {
        try {
            return (int) GETPID.handle().invokeExact(st);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int pipe2(MemorySegment st, MemorySegment fds, int flags) {
        try {
            return (int) PIPE2.handle().invokeExact(st, fds, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int fcntl(MemorySegment st, int fd, int cmd, int arg) {
        try {
            return (int) FCNTL_INT.handle().invokeExact(st, fd, cmd, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int poll(MemorySegment st, MemorySegment fds, long nfds, int timeoutMillis) {
        try {
            return (int) POLL.handle().invokeExact(st, fds, nfds, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int open(MemorySegment st, MemorySegment path, int flags, int mode) {
        try {
            return (int) OPEN.handle().invokeExact(st, path, flags, mode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int settimeofday(MemorySegment st, MemorySegment tv, MemorySegment tz) {
        try {
            return (int) SETTIMEOFDAY.handle().invokeExact(st, tv, tz);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int tcgetattr(MemorySegment st, int fd, MemorySegment termios) {
        try {
            return (int) TCGETATTR.handle().invokeExact(st, fd, termios);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int tcsetattr(MemorySegment st, int fd, int when, MemorySegment termios) {
        try {
            return (int) TCSETATTR.handle().invokeExact(st, fd, when, termios);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void cfmakeraw(MemorySegment st, MemorySegment termios) {
        try {
            CFMAKERAW.handle().invokeExact(st, termios);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
