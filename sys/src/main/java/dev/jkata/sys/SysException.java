package dev.jkata.sys;

/**
 * A failed system call. The message names the call and its arguments, then the errno name and
 * number, e.g. {@code mount(/dev/x on /mnt, type virtiofs): ENOENT (2)}.
 */
public final class SysException extends RuntimeException {

    private final String call;
    private final int errno;

    public SysException(String call, int errno) {
        super(call + ": " + Errno.name(errno) + " (" + errno + ")");
        this.call = call;
        this.errno = errno;
    }

    /** The call with its arguments, as in the message. */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    public String errnoName() {
        return Errno.name(errno);
    }
}
