package dev.jkata.sys;

import dev.jkata.sys.internal.Calls;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An owned file descriptor, closed once. Streams and sockets that share a descriptor share one
 * {@code Fd}, so closing any of them closes it exactly once.
 */
public final class Fd implements AutoCloseable {

    private final int value;
    private final boolean socket;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Fd(int value, boolean socket) {
        if (value < 0) {
            throw new IllegalArgumentException("file descriptor must be >= 0, got " + value);
        }
        this.value = value;
        this.socket = socket;
    }

    /** Takes ownership of {@code fd}. */
    public static Fd of(int fd) {
        return new Fd(fd, false);
    }

    /** Takes ownership of a socket fd: closing it first shuts it down, waking blocked readers. */
    public static Fd ofSocket(int fd) {
        return new Fd(fd, true);
    }

    /** The descriptor number; fails once closed. */
    public int value() {
        if (closed.get()) {
            throw new SysException("fd " + value + " is closed", Errno.EBADF);
        }
        return value;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Closes the descriptor (a socket is shut down first). Closing twice does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            if (socket) {
                try {
                    Calls.shutdown(value, Calls.SHUT_RDWR);
                } catch (SysException ignored) {
                    // a listening socket or an already reset one: closing is what matters
                }
            }
            Calls.close(value);
        }
    }

    @Override
    public String toString() {
        return "fd " + value + (closed.get() ? " (closed)" : "");
    }
}
