package dev.jkata.agent.os;

import dev.jkata.agent.AgentException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A listening unix socket for an OCI runtime's {@code --console-socket}: the runtime connects
 * and passes the pty master with SCM_RIGHTS; {@link #receiveMaster} returns that fd.
 */
public final class ConsoleSocket implements AutoCloseable {

    private static final MethodHandle SOCKET = Native.fn("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle BIND = Native.fn("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle LISTEN = Native.fn("listen", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle ACCEPT4 = Native.fn("accept4", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    private static final MethodHandle POLL = Native.fn("poll", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle RECVMSG = Native.fn("recvmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);

    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    private static final short POLLIN = 1;

    private final Path path;
    private final int fd;

    private ConsoleSocket(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    public Path path() {
        return path;
    }

    /** Binds and listens on {@code path} (which must not exist; at most 107 bytes). */
    public static ConsoleSocket listen(Path path) {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length > 107) {
            throw AgentException.invalid("console socket path too long (max 107 bytes): " + path);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Native.state(arena);
            int s = (int) SOCKET.invokeExact(st, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (s < 0) {
                throw Native.failure("socket(AF_UNIX)", Native.errno(st));
            }
            MemorySegment addr = arena.allocate(110, 2);
            addr.set(JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(name, 0, addr, ValueLayout.JAVA_BYTE, 2, name.length);
            int r = (int) BIND.invokeExact(st, s, addr, 2 + name.length + 1);
            if (r != 0) {
                int e = Native.errno(st);
                Native.close(s);
                throw Native.failure("bind(" + path + ")", e);
            }
            r = (int) LISTEN.invokeExact(st, s, 1);
            if (r != 0) {
                int e = Native.errno(st);
                Native.close(s);
                throw Native.failure("listen(" + path + ")", e);
            }
            return new ConsoleSocket(path, s);
        } catch (AgentException e) {
            throw e;
        } catch (Throwable t) {
            throw AgentException.internal("console socket " + path + ": " + t, t);
        }
    }

    /**
     * Waits for the runtime to connect and send the pty master; gives up when {@code alive}
     * turns false (the runtime died) or after {@code timeoutMillis}.
     */
    public int receiveMaster(BooleanSupplier alive, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Native.state(arena);
            MemorySegment pfd = arena.allocate(8, 4);
            while (true) {
                pfd.set(JAVA_INT, 0, fd);
                pfd.set(JAVA_SHORT, 4, POLLIN);
                pfd.set(JAVA_SHORT, 6, (short) 0);
                int n = (int) POLL.invokeExact(st, pfd, 1L, 100);
                if (n > 0) {
                    break;
                }
                if (n < 0 && Native.errno(st) != Native.EINTR) {
                    throw Native.failure("poll(" + path + ")", Native.errno(st));
                }
                if (!alive.getAsBoolean()) {
                    throw AgentException.internal("the runtime exited before sending the terminal to " + path, null);
                }
                if (System.nanoTime() > deadline) {
                    throw AgentException.internal("no terminal received on " + path + " within "
                            + timeoutMillis + " ms", null);
                }
            }
            int conn = (int) ACCEPT4.invokeExact(st, fd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC);
            if (conn < 0) {
                throw Native.failure("accept(" + path + ")", Native.errno(st));
            }
            try {
                return receiveFd(arena, st, conn);
            } finally {
                Native.close(conn);
            }
        } catch (AgentException e) {
            throw e;
        } catch (Throwable t) {
            throw AgentException.internal("console socket " + path + ": " + t, t);
        }
    }

    private int receiveFd(Arena arena, MemorySegment st, int conn) throws Throwable {
        MemorySegment data = arena.allocate(4096);
        MemorySegment iov = arena.allocate(16, 8);
        iov.set(ADDRESS, 0, data);
        iov.set(JAVA_LONG, 8, data.byteSize());
        MemorySegment control = arena.allocate(64, 8);
        MemorySegment msg = arena.allocate(56, 8);
        msg.set(ADDRESS, 16, iov);
        msg.set(JAVA_LONG, 24, 1L);
        msg.set(ADDRESS, 32, control);
        msg.set(JAVA_LONG, 40, control.byteSize());
        long r;
        do {
            r = (long) RECVMSG.invokeExact(st, conn, msg, MSG_CMSG_CLOEXEC);
        } while (r < 0 && Native.errno(st) == Native.EINTR);
        if (r < 0) {
            throw Native.failure("recvmsg(" + path + ")", Native.errno(st));
        }
        long controlLen = msg.get(JAVA_LONG, 40);
        long off = 0;
        while (off + 16 <= controlLen) {
            long len = control.get(JAVA_LONG, off);
            int level = control.get(JAVA_INT, off + 8);
            int type = control.get(JAVA_INT, off + 12);
            if (len < 16) {
                break;
            }
            if (level == SOL_SOCKET && type == SCM_RIGHTS && len >= 20) {
                return control.get(JAVA_INT, off + 16);
            }
            off += (len + 7) & ~7L;
        }
        throw AgentException.internal("the runtime connected to " + path + " but passed no file descriptor", null);
    }

    @Override
    public void close() {
        Native.close(fd);
        try {
            Files.deleteIfExists(path);
        } catch (java.io.IOException e) {
            // best effort
        }
    }
}
