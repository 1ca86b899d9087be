package dev.jkata.sys;

import dev.jkata.sys.internal.Calls;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Reads a raw file descriptor with read(2). Blocking: on a virtual thread the native read pins
 * its carrier, so long-blocking readers belong on platform threads.
 */
public final class FdInputStream extends InputStream {

    private final Fd fd;
    private final boolean eioIsEof;

    /** Reads {@code fd}; closing the stream closes it. */
    public FdInputStream(Fd fd) {
        this(fd, false);
    }

    /**
     * @param eioIsEof treat EIO as end of file, as a pty master reports once its slave side is
     *                 closed by everyone
     */
    public FdInputStream(Fd fd, boolean eioIsEof) {
        this.fd = Objects.requireNonNull(fd, "fd");
        this.eioIsEof = eioIsEof;
    }

    /** Takes ownership of the raw descriptor {@code fd}. */
    public FdInputStream(int fd) {
        this(Fd.of(fd));
    }

    public Fd fd() {
        return fd;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (fd.isClosed()) {
            throw new IOException("read on closed " + fd);
        }
        try {
            int n = Calls.read(fd.value(), b, off, len);
            return n == 0 ? -1 : n;
        } catch (SysException e) {
            if (fd.isClosed()) {
                return -1;
            }
            if (eioIsEof && e.errno() == Errno.EIO) {
                return -1;
            }
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            fd.close();
        } catch (SysException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
