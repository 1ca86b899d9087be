package dev.jkata.sys;

import dev.jkata.sys.internal.Calls;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/** Writes a raw file descriptor with write(2), looping until every byte is written. */
public final class FdOutputStream extends OutputStream {

    private final Fd fd;

    /** Writes {@code fd}; closing the stream closes it. */
    public FdOutputStream(Fd fd) {
        this.fd = Objects.requireNonNull(fd, "fd");
    }

    /** Takes ownership of the raw descriptor {@code fd}. */
    public FdOutputStream(int fd) {
        this(Fd.of(fd));
    }

    public Fd fd() {
        return fd;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        try {
            while (len > 0) {
                int n = Calls.write(fd.value(), b, off, len);
                off += n;
                len -= n;
            }
        } catch (SysException e) {
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
