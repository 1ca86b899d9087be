package dev.jkata.runtime.storage;

import java.io.Serial;

/** The one exception of the host storage area (mounts). The message names the path and the step. */
public final class StorageException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    private final int errno;

    public StorageException(String message) {
        this(message, 0, null);
    }

    public StorageException(String message, Throwable cause) {
        this(message, 0, cause);
    }

    public StorageException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** The errno of the failed system call, or 0 when the failure was not a system call. */
    public int errno() {
        return errno;
    }
}
