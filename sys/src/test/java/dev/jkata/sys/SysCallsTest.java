package dev.jkata.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SysCallsTest {

    private final Sys sys = Sys.linux();

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Test
    void mountIntoAMissingDirectoryNamesCallAndErrno() throws Exception {
        Path dir = Files.createTempDirectory("sys-mount");
        try {
            String target = dir.resolve("missing").toString();
            SysException e = assertThrows(SysException.class,
                    () -> sys.mount("none", target, "tmpfs", Sys.MS_NOSUID, "size=1m"));
            int expected = root() ? Errno.ENOENT : Errno.EPERM;
            assertEquals(expected, e.errno());
            assertEquals("mount(none on " + target + ", type tmpfs, flags 0x2, data size=1m): "
                    + Errno.name(expected) + " (" + expected + ")", e.getMessage());
            SysException u = assertThrows(SysException.class, () -> sys.umount2(target, Sys.MNT_DETACH));
            assertTrue(u.getMessage().startsWith("umount2(" + target + ", flags 2): "), u.getMessage());
        } finally {
            Files.delete(dir);
        }
    }

    @Test
    void mountAndUnmountATmpfsAsRoot() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(root(), "mounting needs root");
        Path dir = Files.createTempDirectory("sys-mount");
        try {
            sys.mount("jkata-test", dir.toString(), "tmpfs", Sys.MS_NOSUID | Sys.MS_NODEV, "size=1m");
            try {
                Files.writeString(dir.resolve("f"), "x");
                assertTrue(Files.readString(Path.of("/proc/self/mounts")).contains("jkata-test " + dir + " tmpfs"));
            } finally {
                sys.umount2(dir.toString(), Sys.MNT_DETACH);
            }
            assertTrue(Files.notExists(dir.resolve("f")), "the file lived on the tmpfs");
        } finally {
            Files.delete(dir);
        }
    }

    @Test
    void processCalls() {
        assertEquals(ProcessHandle.current().pid(), sys.getpid());
        assertEquals(System.getProperty("os.version"), sys.unameRelease());
        sys.kill(sys.getpid(), 0);
        SysException e = assertThrows(SysException.class, () -> sys.kill(Integer.MAX_VALUE, 0));
        assertEquals(Errno.ESRCH, e.errno());
        assertEquals("kill(pid 2147483647, signal 0): ESRCH (3)", e.getMessage());
        sys.setChildSubreaper();
        // a name longer than 64 bytes is refused before anything changes (EINVAL as root, EPERM otherwise)
        SysException h = assertThrows(SysException.class, () -> sys.sethostname("h".repeat(100)));
        assertTrue(h.getMessage().startsWith("sethostname(hhh"), h.getMessage());
    }

    @Test
    void pipeStreamsAndCloseOnExec() throws Exception {
        try (Sys.Pipe p = sys.pipe()) {
            sys.setCloseOnExec(p.write().value(), false);
            sys.setCloseOnExec(p.write().value(), true);
            FdOutputStream out = new FdOutputStream(p.write());
            FdInputStream in = new FdInputStream(p.read());
            byte[] big = new byte[200_000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) i;
            }
            Thread writer = Thread.ofPlatform().start(() -> {
                try (out) {
                    out.write(big);
                } catch (java.io.IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            byte[] got = in.readAllBytes();
            writer.join();
            assertEquals(big.length, got.length);
            assertTrue(java.util.Arrays.equals(big, got));
            assertTrue(p.write().isClosed());
            java.io.IOException closed = assertThrows(java.io.IOException.class, () -> out.write(1));
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        }
        SysException bad = assertThrows(SysException.class, () -> sys.close(987_654));
        assertEquals("close(fd 987654): EBADF (9)", bad.getMessage());
    }

    @Test
    void vsockFailsWithAClearErrorWithoutAVsockTransport() {
        // this machine has no vhost-vsock: either the socket family or the connect fails
        SysException e = assertThrows(SysException.class, () -> Vsock.connect(3, 1024).close());
        assertTrue(e.getMessage().startsWith("socket(AF_VSOCK, SOCK_STREAM): ")
                || e.getMessage().startsWith("connect(vsock cid 3 port 1024): "), e.getMessage());
        assertTrue(e.getMessage().endsWith(e.errnoName() + " (" + e.errno() + ")"), e.getMessage());
    }

    @Test
    void setTimeOfDayRejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> sys.setTimeOfDay(0, 1_000_000));
        // a negative time is refused by the kernel (EINVAL as root, EPERM otherwise) without changing the clock
        SysException e = assertThrows(SysException.class, () -> sys.setTimeOfDay(-5, 0));
        assertTrue(e.getMessage().startsWith("settimeofday(-5s 0us): E"), e.getMessage());
    }

    @Test
    void errnoNames() {
        assertEquals("ENOENT", Errno.name(2));
        assertEquals("EAFNOSUPPORT", Errno.name(97));
        assertEquals("ENODEV", Errno.name(19));
        assertEquals("EHWPOISON", Errno.name(133));
        assertEquals("E999", Errno.name(999));
    }
}
