package dev.jkata.sys;

import dev.jkata.sys.internal.Calls;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A listening stream socket made through FFM. {@link #close()} wakes a thread blocked in
 * {@link #accept()} (which then fails) and, for a unix socket, removes its file.
 */
public final class FdServerSocket implements AutoCloseable {

    private final Fd fd;
    private final String name;
    private final Path unixPath;

    FdServerSocket(int fd, String name, Path unixPath) {
        this.fd = Fd.ofSocket(fd);
        this.name = name;
        this.unixPath = unixPath;
    }

    /** How often a blocked {@link #accept()} checks whether the socket was closed. */
    private static final int POLL_MILLIS = 200;
    private static final int POLLIN = 1;

    /**
     * Waits for the next connection. Waits in poll(2) slices so that {@link #close()} ends the
     * wait even where shutdown(2) does not wake accept (AF_VSOCK listeners).
     *
     * @throws SysException when accept fails or the socket is closed (EBADF)
     */
    public FdSocket accept() {
        while (true) {
            int listener = fd.value();
            if (Calls.poll(listener, POLLIN, POLL_MILLIS) != 0) {
                if (fd.isClosed()) {
                    throw new SysException("accept(" + name + "): socket closed", Errno.EBADF);
                }
                int c = Calls.accept(listener, name);
                return new FdSocket(c, name);
            }
        }
    }

    public String name() {
        return name;
    }

    public Fd fd() {
        return fd;
    }

    @Override
    public void close() {
        fd.close();
        if (unixPath != null) {
            try {
                Files.deleteIfExists(unixPath);
            } catch (java.io.IOException ignored) {
                // the directory may be gone already
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
