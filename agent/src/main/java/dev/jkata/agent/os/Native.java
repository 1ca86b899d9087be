package dev.jkata.agent.os;

import dev.jkata.agent.AgentException;
import dev.jkata.sys.Errno;
import dev.jkata.sys.Sys;
import dev.jkata.sys.SysException;
import dev.jkata.sys.WindowSize;
import dev.jkata.ttrpc.Code;

/**
 * The system calls the agent makes, through the sys module (java.lang.foreign, errno per call);
 * a failure becomes an {@link AgentException} that names the call and its input.
 */
public final class Native {

    private static final Sys SYS = Sys.linux();

    public static final int EBUSY = Errno.EBUSY;
    public static final int EINVAL = Errno.EINVAL;
    public static final int ENOENT = Errno.ENOENT;
    public static final int ESRCH = Errno.ESRCH;

    public static final long MS_RDONLY = Sys.MS_RDONLY;
    public static final long MS_NOSUID = Sys.MS_NOSUID;
    public static final long MS_NODEV = Sys.MS_NODEV;
    public static final long MS_NOEXEC = Sys.MS_NOEXEC;
    public static final long MS_SYNCHRONOUS = Sys.MS_SYNCHRONOUS;
    public static final long MS_REMOUNT = Sys.MS_REMOUNT;
    public static final long MS_NOATIME = Sys.MS_NOATIME;
    public static final long MS_NODIRATIME = Sys.MS_NODIRATIME;
    public static final long MS_BIND = Sys.MS_BIND;
    public static final long MS_REC = Sys.MS_REC;
    public static final long MS_PRIVATE = Sys.MS_PRIVATE;
    public static final long MS_SLAVE = Sys.MS_SLAVE;
    public static final long MS_SHARED = Sys.MS_SHARED;
    public static final long MS_RELATIME = Sys.MS_RELATIME;
    public static final long MS_STRICTATIME = Sys.MS_STRICTATIME;

    public static final int MNT_DETACH = Sys.MNT_DETACH;

    private Native() {
    }

    /** The agent's exception for a failed call; the errno stays reachable through {@link #errnoOf}. */
    static AgentException failure(SysException e) {
        Code code = e.errno() == ENOENT || e.errno() == ESRCH ? Code.NOT_FOUND
                : e.errno() == EINVAL ? Code.INVALID_ARGUMENT : Code.INTERNAL;
        return new AgentException(code, e.getMessage(), e);
    }

    /** The errno behind an AgentException made here, or -1. */
    public static int errnoOf(AgentException e) {
        return e.getCause() instanceof SysException s ? s.errno() : -1;
    }

    public static void mount(String source, String target, String fstype, long flags, String data) {
        try {
            SYS.mount(source, target, fstype, flags, data == null || data.isEmpty() ? null : data);
        } catch (SysException e) {
            throw failure(e);
        }
    }

    public static void umount2(String target, int flags) {
        try {
            SYS.umount2(target, flags);
        } catch (SysException e) {
            throw failure(e);
        }
    }

    public static void sethostname(String name) {
        try {
            SYS.sethostname(name);
        } catch (SysException e) {
            throw failure(e);
        }
    }

    public static void settimeofday(long sec, long usec) {
        if (usec < 0 || usec >= 1_000_000) {
            throw AgentException.invalid("microseconds must be 0..999999, got " + usec);
        }
        try {
            SYS.setTimeOfDay(sec, usec);
        } catch (SysException e) {
            throw failure(e);
        }
    }

    public static void kill(int pid, int signal) {
        if (pid <= 0) {
            throw AgentException.invalid("refusing to signal pid " + pid);
        }
        try {
            SYS.kill(pid, signal);
        } catch (SysException e) {
            throw failure(e);
        }
    }

    /** Sets a terminal's window size (TIOCSWINSZ). */
    public static void setWindowSize(int fd, int rows, int cols) {
        try {
            SYS.setWindowSize(fd, new WindowSize(rows, cols));
        } catch (SysException e) {
            throw failure(e);
        } catch (IllegalArgumentException e) {
            throw AgentException.invalid("window size " + rows + "x" + cols + ": " + e.getMessage());
        }
    }
}
