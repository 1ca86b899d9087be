package dev.jkata.sys;

import dev.jkata.sys.internal.LinuxSys;

/**
 * The Linux calls jkata needs, as a plain interface so callers can substitute a fake in tests.
 * {@link #linux()} is the real one (java.lang.foreign, errno captured per call); every failure
 * is a {@link SysException} naming the call, its arguments and the errno. Sockets are in
 * {@link Vsock} and {@link UnixSocket}, raw fd streams in {@link FdInputStream}/{@link FdOutputStream}.
 */
public interface Sys {

    // mount(2) flags, from <linux/mount.h>
    long MS_RDONLY = 1;
    long MS_NOSUID = 2;
    long MS_NODEV = 4;
    long MS_NOEXEC = 8;
    long MS_SYNCHRONOUS = 16;
    long MS_REMOUNT = 32;
    long MS_MANDLOCK = 64;
    long MS_DIRSYNC = 128;
    long MS_NOATIME = 1024;
    long MS_NODIRATIME = 2048;
    long MS_BIND = 4096;
    long MS_MOVE = 8192;
    long MS_REC = 16384;
    long MS_SILENT = 32768;
    long MS_UNBINDABLE = 1 << 17;
    long MS_PRIVATE = 1 << 18;
    long MS_SLAVE = 1 << 19;
    long MS_SHARED = 1 << 20;
    long MS_RELATIME = 1 << 21;
    long MS_STRICTATIME = 1 << 24;
    long MS_LAZYTIME = 1 << 25;

    // umount2(2) flags
    int MNT_FORCE = 1;
    int MNT_DETACH = 2;
    int MNT_EXPIRE = 4;
    int UMOUNT_NOFOLLOW = 8;

    // signals (x86_64 / asm-generic numbering)
    int SIGHUP = 1;
    int SIGINT = 2;
    int SIGQUIT = 3;
    int SIGKILL = 9;
    int SIGUSR1 = 10;
    int SIGUSR2 = 12;
    int SIGPIPE = 13;
    int SIGTERM = 15;
    int SIGCHLD = 17;
    int SIGCONT = 18;
    int SIGSTOP = 19;
    int SIGWINCH = 28;

    /** The real implementation. Stateless; safe to share. */
    static Sys linux() {
        return LinuxSys.INSTANCE;
    }

    /** mount(2); {@code source}, {@code fstype} and {@code data} may be null. */
    void mount(String source, String target, String fstype, long flags, String data);

    /** umount2(2) with {@code MNT_*} flags. */
    void umount2(String target, int flags);

    /** kill(2). */
    void kill(int pid, int signal);

    /** prctl(PR_SET_CHILD_SUBREAPER, 1): orphaned descendants are re-parented to this process. */
    void setChildSubreaper();

    /** sethostname(2). */
    void sethostname(String name);

    /** The kernel release from uname(2), e.g. {@code 6.1.0-27-amd64}. */
    String unameRelease();

    /** settimeofday(2): sets the wall clock (the agent's SetGuestDateTime). */
    void setTimeOfDay(long seconds, long microseconds);

    /** getpid(2). */
    int getpid();

    /** A new pseudo-terminal (posix_openpt, grantpt, unlockpt, ptsname_r). */
    Pty openPty();

    /** ioctl TIOCGWINSZ. */
    WindowSize windowSize(int fd);

    /** ioctl TIOCSWINSZ. */
    void setWindowSize(int fd, WindowSize size);

    /** Puts the terminal {@code fd} in raw mode (cfmakeraw): bytes pass through unchanged. */
    void makeRaw(int fd);

    /** pipe2(O_CLOEXEC). */
    Pipe pipe();

    /** Sets or clears FD_CLOEXEC on {@code fd} (fcntl F_SETFD). */
    void setCloseOnExec(int fd, boolean on);

    /** close(2) of a raw descriptor. */
    void close(int fd);

    /** The two ends of a pipe. */
    record Pipe(Fd read, Fd write) implements AutoCloseable {
        @Override
        public void close() {
            read.close();
            write.close();
        }
    }
}
