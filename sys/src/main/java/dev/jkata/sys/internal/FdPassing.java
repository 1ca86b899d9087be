package dev.jkata.sys.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jkata.sys.Errno;
import dev.jkata.sys.SysException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * sendmsg/recvmsg with SCM_RIGHTS on a unix stream socket. Struct layouts are x86_64/aarch64
 * LP64: msghdr 56 bytes, iovec 16 bytes, cmsghdr 16 bytes before its data.
 */
public final class FdPassing {

    /** What one recvmsg returned: the data bytes read and the fds that came with them. */
    public record Received(int length, int[] fds) {
    }

    private static final long MSGHDR_SIZE = 56;
    private static final long CMSG_HDR = 16;

    private FdPassing() {
    }

    /** Sends {@code data} (at least one byte) with {@code fds} attached; returns the bytes sent. */
    public static int send(int socket, byte[] data, int[] fds) {
        if (data.length == 0) {
            throw new IllegalArgumentException("sendmsg with fds needs at least one data byte");
        }
        String call = "sendmsg(fd " + socket + ", " + data.length + " bytes, fds " + Arrays.toString(fds) + ")";
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Libc.CALL_STATE);
            MemorySegment buf = a.allocate(data.length);
            MemorySegment.copy(data, 0, buf, JAVA_BYTE, 0, data.length);
            MemorySegment iov = a.allocate(16, 8);
            iov.set(ADDRESS, 0, buf);
            iov.set(JAVA_LONG, 8, data.length);
            long controlLen = fds.length == 0 ? 0 : Calls.align8(CMSG_HDR + 4L * fds.length);
            MemorySegment control = controlLen == 0 ? MemorySegment.NULL : a.allocate(controlLen, 8);
            if (controlLen != 0) {
                control.set(JAVA_LONG, 0, CMSG_HDR + 4L * fds.length);
                control.set(JAVA_INT, 8, Calls.SOL_SOCKET);
                control.set(JAVA_INT, 12, Calls.SCM_RIGHTS);
                for (int i = 0; i < fds.length; i++) {
                    control.set(JAVA_INT, CMSG_HDR + 4L * i, fds[i]);
                }
            }
            MemorySegment msg = a.allocate(MSGHDR_SIZE, 8);
            msg.set(ADDRESS, 16, iov);
            msg.set(JAVA_LONG, 24, 1);
            msg.set(ADDRESS, 32, control);
            msg.set(JAVA_LONG, 40, controlLen);
            while (true) {
                long r = Libc.sendmsg(st, socket, msg, Calls.MSG_NOSIGNAL);
                if (r >= 0) {
                    return (int) r;
                }
                int errno = Libc.errno(st);
                if (errno != Errno.EINTR) {
                    throw new SysException(call, errno);
                }
            }
        }
    }

    /** Receives into {@code data} and up to {@code maxFds} fds (close-on-exec set). Length 0 = end of stream. */
    public static Received receive(int socket, byte[] data, int maxFds) {
        String call = "recvmsg(fd " + socket + ")";
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Libc.CALL_STATE);
            MemorySegment buf = a.allocate(Math.max(data.length, 1));
            MemorySegment iov = a.allocate(16, 8);
            iov.set(ADDRESS, 0, buf);
            iov.set(JAVA_LONG, 8, data.length);
            long controlLen = Calls.align8(CMSG_HDR + 4L * Math.max(maxFds, 1));
            MemorySegment control = a.allocate(controlLen, 8);
            MemorySegment msg = a.allocate(MSGHDR_SIZE, 8);
            msg.set(ADDRESS, 16, iov);
            msg.set(JAVA_LONG, 24, 1);
            msg.set(ADDRESS, 32, control);
            msg.set(JAVA_LONG, 40, controlLen);
            long r;
            while (true) {
                r = Libc.recvmsg(st, socket, msg, Calls.MSG_CMSG_CLOEXEC);
                if (r >= 0) {
                    break;
                }
                int errno = Libc.errno(st);
                if (errno != Errno.EINTR) {
                    throw new SysException(call, errno);
                }
            }
            MemorySegment.copy(buf, JAVA_BYTE, 0, data, 0, (int) r);
            int[] fds = parseRights(control, msg.get(JAVA_LONG, 40));
            if ((msg.get(JAVA_INT, 48) & Calls.MSG_CTRUNC) != 0) {
                for (int fd : fds) {
                    Calls.closeQuietly(fd);
                }
                throw new SysException(call + ": more than " + maxFds + " fds sent, control data truncated", Errno.EINVAL);
            }
            return new Received((int) r, fds);
        }
    }

    private static int[] parseRights(MemorySegment control, long length) {
        int[] out = new int[0];
        long off = 0;
        while (off + CMSG_HDR <= length) {
            long len = control.get(JAVA_LONG, off);
            if (len < CMSG_HDR || off + len > length) {
                break;
            }
            if (control.get(JAVA_INT, off + 8) == Calls.SOL_SOCKET && control.get(JAVA_INT, off + 12) == Calls.SCM_RIGHTS) {
                int n = (int) ((len - CMSG_HDR) / 4);
                int base = out.length;
                out = Arrays.copyOf(out, base + n);
                for (int i = 0; i < n; i++) {
                    out[base + i] = control.get(JAVA_INT, off + CMSG_HDR + 4L * i);
                }
            }
            off += Calls.align8(len);
        }
        return out;
    }
}
