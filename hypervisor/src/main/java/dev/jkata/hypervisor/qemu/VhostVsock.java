package dev.jkata.hypervisor.qemu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds a free vsock guest context id by asking the vhost-vsock driver, as upstream Kata does: a cid
 * is free when {@code VHOST_VSOCK_SET_GUEST_CID} on a fresh /dev/vhost-vsock fd succeeds. The probing
 * fd is closed again, so QEMU can claim the cid right after.
 */
final class VhostVsock {

    static final Path DEVICE = Path.of("/dev/vhost-vsock");

    /** {@code _IOW(VHOST_VIRTIO=0xAF, 0x60, __u64)} from linux/vhost.h. */
    private static final long VHOST_VSOCK_SET_GUEST_CID = 0x4008AF60L;
    private static final int O_RDWR = 0x2;          // asm-generic/fcntl.h
    private static final int O_CLOEXEC = 0x80000;   // asm-generic/fcntl.h
    private static final int EADDRINUSE = 98;       // asm-generic/errno.h
    private static final int FIRST_CID = 3;         // 0-2 are reserved (hypervisor, local, host)
    private static final int ATTEMPTS = 64;

    private VhostVsock() {
    }

    /** The libc bindings, created only on hosts that have the device (FFM is a restricted API). */
    private static final class Native {
        private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
        private static final VarHandle ERRNO =
                CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        private static final MethodHandle OPEN;
        private static final MethodHandle IOCTL;
        private static final MethodHandle CLOSE;

        static {
            Linker linker = Linker.nativeLinker();
            var libc = linker.defaultLookup();
            Linker.Option errno = Linker.Option.captureCallState("errno");
            OPEN = linker.downcallHandle(libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                    errno, Linker.Option.firstVariadicArg(2));
            IOCTL = linker.downcallHandle(libc.find("ioctl").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                            ValueLayout.ADDRESS),
                    errno, Linker.Option.firstVariadicArg(2));
            CLOSE = linker.downcallHandle(libc.find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        }
    }

    /** A free guest cid, or empty when this host has no usable vhost-vsock (the caller falls back). */
    static OptionalInt allocateCid() {
        if (!Files.exists(DEVICE)) {
            return OptionalInt.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CAPTURE);
            MemorySegment path = arena.allocateFrom(DEVICE.toString());
            MemorySegment cidBuf = arena.allocate(ValueLayout.JAVA_LONG);
            int start = ThreadLocalRandom.current().nextInt(FIRST_CID, Integer.MAX_VALUE - ATTEMPTS);
            for (int i = 0; i < ATTEMPTS; i++) {
                int fd = (int) Native.OPEN.invokeExact(state, path, O_RDWR | O_CLOEXEC);
                if (fd < 0) {
                    return OptionalInt.empty();
                }
                int cid = start + i;
                cidBuf.set(ValueLayout.JAVA_LONG, 0, cid);
                int rc = (int) Native.IOCTL.invokeExact(state, fd, VHOST_VSOCK_SET_GUEST_CID, cidBuf);
                int err = (int) Native.ERRNO.get(state, 0L);
                int ignored = (int) Native.CLOSE.invokeExact(fd);
                if (rc == 0) {
                    return OptionalInt.of(cid);
                }
                if (err != EADDRINUSE) {
                    return OptionalInt.empty();
                }
            }
            return OptionalInt.empty();
        } catch (Throwable t) {
            return OptionalInt.empty();
        }
    }
}
