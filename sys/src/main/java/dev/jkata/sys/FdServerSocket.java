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

    /** Waits for the next connection. */
    public FdSocket accept() {
        int c = Calls.accept(fd.value(), name);
        return new FdSocket(c, name);
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
