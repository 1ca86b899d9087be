package dev.jkata.agent.os;

import dev.jkata.agent.AgentException;
import dev.jkata.ttrpc.Code;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The system calls the agent needs, through java.lang.foreign. Every call captures its own errno
 * and a failure becomes an {@link AgentException} naming the call and its input.
 */
public final class Native {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle MOUNT = fn("mount", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    private static final MethodHandle UMOUNT2 = fn("umount2", JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SETHOSTNAME = fn("sethostname", JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle SETTIMEOFDAY = fn("settimeofday", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle KILL = fn("kill", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle IOCTL_PTR = fn("ioctl", JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS);
    private static final MethodHandle READ = fn("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle WRITE = fn("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle CLOSE = fn("close", JAVA_INT, JAVA_INT);
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LINKER.defaultLookup().find("strerror").orElseThrow(),
            FunctionDescriptor.of(ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE)), JAVA_INT));

    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EAGAIN = 11;
    public static final int EBUSY = 16;
    public static final int EINVAL = 22;
    public static final int ENOENT = 2;

    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_SYNCHRONOUS = 16;
    public static final long MS_REMOUNT = 32;
    public static final long MS_NOATIME = 1024;
    public static final long MS_NODIRATIME = 2048;
    public static final long MS_BIND = 4096;
    public static final long MS_REC = 16384;
    public static final long MS_PRIVATE = 1 << 18;
    public static final long MS_SLAVE = 1 << 19;
    public static final long MS_SHARED = 1 << 20;
    public static final long MS_RELATIME = 1 << 21;
    public static final long MS_STRICTATIME = 1 << 24;

    public static final int MNT_DETACH = 2;
    private static final long TIOCSWINSZ = 0x5414;

    private Native() {
    }

    static MethodHandle fn(String name, ValueLayout result, MemoryLayout... args) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(
                () -> new IllegalStateException("libc has no " + name)),
                FunctionDescriptor.of(result, args), Linker.Option.captureCallState("errno"));
    }

    static MemorySegment state(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** The C library's text for an errno value. */
    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    static AgentException failure(String call, int errno) {
        Code code = errno == ENOENT ? Code.NOT_FOUND : errno == EINVAL ? Code.INVALID_ARGUMENT : Code.INTERNAL;
        return new NativeFailure(code, call + ": " + strerror(errno) + " (errno " + errno + ")", errno).exception();
    }

    /** An errno-carrying failure; {@link #errnoOf} recovers the number from the exception. */
    record NativeFailure(Code code, String message, int errno) {
        AgentException exception() {
            return new AgentException(code, message, new ErrnoCause(errno));
        }
    }

    /** The errno behind an AgentException made here, or -1. */
    public static int errnoOf(AgentException e) {
        return e.getCause() instanceof ErrnoCause c ? c.errno : -1;
    }

    private static final class ErrnoCause extends Exception {
        final int errno;

        ErrnoCause(int errno) {
            super("errno " + errno, null, false, false);
            this.errno = errno;
        }
    }

    private static MemorySegment cstr(Arena arena, String s) {
        return s == null ? MemorySegment.NULL : arena.allocateFrom(s);
    }

    public static void mount(String source, String target, String fstype, long flags, String data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = state(arena);
            int r = (int) MOUNT.invokeExact(st, cstr(arena, source), cstr(arena, target), cstr(arena, fstype),
                    flags, cstr(arena, data == null || data.isEmpty() ? null : data));
            if (r != 0) {
                throw failure("mount(" + source + " -> " + target + ", type " + fstype + ", options '"
                        + (data == null ? "" : data) + "')", errno(st));
            }
        } catch (AgentException e) {
            throw e;
        } catch (Throwable t) {
            throw AgentException.internal("mount " + target + ": " + t, t);
        }
    }

    public static void umount2(String target, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = state(arena);
            int r = (int) UMOUNT2.invokeExact(st, arena.allocateFrom(target), flags);
            if (r != 0) {
                throw failure("umount2(" + target + ")", errno(st));
            }
        } catch (AgentException e) {
            throw e;
        } catch (Throwable t) {
            throw AgentException.internal("umount " + target + ": " + t, t);
        }
    }

    public static void sethostname(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = state(arena);
            byte[] b = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            MemorySegment buf = arena.allocate(b.length + 1L);
            MemorySegment.copy(b, 0, buf, ValueLayout.JAVA_BYTE, 0, b.length);
            int r = (int) SETHOSTNAME.invokeExact(st, buf, (long) b.length);
            if (r != 0) {
                throw failure("sethostname(" + name + ")", errno(st));
            }
        } catch (AgentException e) {
            throw e;
        } catch (Throwable t) {
            throw AgentException.internal("sethostname " + name + ": " + t, t);
        }
    }

    public static void settimeofday(long sec, long usec) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = state(arena);
            MemorySegment tv = arena.allocate(16, 8);
            tv.set(JAVA_LONG, 0, sec);
            tv.set(JAVA_LONG, 8, usec);
            int r = (int) SETTIMEOFDAY.invokeExact(st, tv, MemorySegment.NULL);
            if (r != 0) {
                throw failure("settimeofday(" + sec + "s, " + usec + "us)", errno(st));
            }
        } catch (AgentException e) {
            throw e;
        } catch (Throwable t) {
            throw AgentException.internal("settimeofday: " + t, t);
        }
    }

    public static void kill(int pid, int signal) {
        if (pid <= 0) {
            throw AgentException.invalid("refusing to signal pid " + pid);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = state(arena);
            int r = (int) KILL.invokeExact(st, pid, signal);
            if (r != 0) {
                throw failure("kill(" + pid + ", " + signal + ")", errno(st));
            }
        } catch (AgentException e) {
            throw e;
        } catch (Throwable t) {
            throw AgentException.internal("kill " + pid + ": " + t, t);
        }
    }

    /** Sets a terminal's window size (TIOCSWINSZ). */
    public static void setWindowSize(int fd, int rows, int cols) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = state(arena);
            MemorySegment ws = arena.allocate(8, 2);
            ws.set(ValueLayout.JAVA_SHORT, 0, (short) rows);
            ws.set(ValueLayout.JAVA_SHORT, 2, (short) cols);
            int r = (int) IOCTL_PTR.invokeExact(st, fd, TIOCSWINSZ, ws);
            if (r != 0) {
                throw failure("ioctl(TIOCSWINSZ " + rows + "x" + cols + " on fd " + fd + ")", errno(st));
            }
        } catch (AgentException e) {
            throw e;
        } catch (Throwable t) {
            throw AgentException.internal("resize fd " + fd + ": " + t, t);
        }
    }

    /** read(2) into {@code buf}; returns bytes read, 0 at end of file; EIO (pty hung up) is end of file too. */
    public static int read(int fd, byte[] buf, int off, int len) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = state(arena);
            MemorySegment m = arena.allocate(Math.max(1, len));
            while (true) {
                long r = (long) READ.invokeExact(st, fd, m, (long) len);
                if (r >= 0) {
                    MemorySegment.copy(m, ValueLayout.JAVA_BYTE, 0, buf, off, (int) r);
                    return (int) r;
                }
                int e = errno(st);
                if (e == EINTR || e == EAGAIN) {
                    continue;
                }
                if (e == EIO) {
                    return 0;
                }
                throw failure("read(fd " + fd + ")", e);
            }
        } catch (AgentException e) {
            throw e;
        } catch (Throwable t) {
            throw AgentException.internal("read fd " + fd + ": " + t, t);
        }
    }

    /** write(2) all of {@code buf}. */
    public static void writeFully(int fd, byte[] buf, int off, int len) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = state(arena);
            MemorySegment m = arena.allocate(Math.max(1, len));
            MemorySegment.copy(buf, off, m, ValueLayout.JAVA_BYTE, 0, len);
            long done = 0;
            while (done < len) {
                long r = (long) WRITE.invokeExact(st, fd, m.asSlice(done), (long) len - done);
                if (r < 0) {
                    int e = errno(st);
                    if (e == EINTR || e == EAGAIN) {
                        continue;
                    }
                    throw failure("write(fd " + fd + ")", e);
                }
                done += r;
            }
        } catch (AgentException e) {
            throw e;
        } catch (Throwable t) {
            throw AgentException.internal("write fd " + fd + ": " + t, t);
        }
    }

    public static void close(int fd) {
        if (fd < 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(state(arena), fd);
        } catch (Throwable t) {
            // closing is best effort
        }
    }
}
