package dev.jkata.sys;

import dev.jkata.sys.internal.Calls;
import dev.jkata.sys.internal.FdPassing;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A connected stream socket made through FFM (AF_VSOCK or AF_UNIX), with streams over its raw
 * fd and, on unix sockets, file-descriptor passing. Closing the socket or either stream shuts
 * the socket down (waking a blocked reader) and closes it.
 */
public final class FdSocket implements AutoCloseable {

    /** One recvmsg: {@code length} data bytes (0 = peer closed) and the fds that came along. */
    public record Received(int length, int[] fds) {
    }

    private final Fd fd;
    private final String name;
    private final FdInputStream in;
    private final FdOutputStream out;

    /** Takes ownership of a connected stream socket fd. */
    public FdSocket(int fd, String name) {
        this.fd = Fd.ofSocket(fd);
        this.name = Objects.requireNonNull(name, "name");
        this.in = new FdInputStream(this.fd);
        this.out = new FdOutputStream(this.fd);
    }

    public Fd fd() {
        return fd;
    }

    /** E.g. {@code vsock:3:1024} or {@code unix:/run/x.sock}. */
    public String name() {
        return name;
    }

    public InputStream input() {
        return in;
    }

    public OutputStream output() {
        return out;
    }

    /** Half-closes: the peer reads end of stream, this side can still read. */
    public void shutdownOutput() {
        Calls.shutdown(fd.value(), Calls.SHUT_WR);
    }

    /** Sends {@code data} (at least one byte) with {@code fds} attached (SCM_RIGHTS); returns bytes sent. */
    public int sendFds(byte[] data, int... fds) {
        return FdPassing.send(fd.value(), data, fds);
    }

    /** Receives into {@code data} and up to {@code maxFds} passed descriptors (close-on-exec). */
    public Received receive(byte[] data, int maxFds) {
        FdPassing.Received r = FdPassing.receive(fd.value(), data, maxFds);
        return new Received(r.length(), r.fds());
    }

    /**
     * Receives one message carrying one descriptor (how crun's --console-socket hands over a pty
     * master) and returns that descriptor; extra descriptors are closed.
     *
     * @throws SysException when the peer closes or sends no descriptor
     */
    public Fd receiveFd() {
        Received r = receive(new byte[4096], 8);
        if (r.fds().length == 0) {
            throw new SysException("recvmsg(" + name + "): expected a file descriptor, got "
                    + (r.length() == 0 ? "end of stream" : r.length() + " bytes without one"), Errno.EINVAL);
        }
        for (int i = 1; i < r.fds().length; i++) {
            Calls.closeQuietly(r.fds()[i]);
        }
        return Fd.of(r.fds()[0]);
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
