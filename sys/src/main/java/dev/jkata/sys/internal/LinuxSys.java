package dev.jkata.sys.internal;

import dev.jkata.sys.Fd;
import dev.jkata.sys.Pty;
import dev.jkata.sys.Sys;
import dev.jkata.sys.WindowSize;
import java.util.Objects;

/** {@link Sys} through libc. */
public final class LinuxSys implements Sys {

    public static final LinuxSys INSTANCE = new LinuxSys();

    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static final int F_GETFD = 1;
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;

    private LinuxSys() {
    }

    @Override
    public void mount(String source, String target, String fstype, long flags, String data) {
        Objects.requireNonNull(target, "mount target");
        Calls.mount(source, target, fstype, flags, data);
    }

    @Override
    public void umount2(String target, int flags) {
        Objects.requireNonNull(target, "umount2 target");
        Calls.umount2(target, flags);
    }

    @Override
    public void kill(int pid, int signal) {
        Calls.kill(pid, signal);
    }

    @Override
    public void setChildSubreaper() {
        Calls.prctl(PR_SET_CHILD_SUBREAPER, 1, "PR_SET_CHILD_SUBREAPER, 1");
    }

    @Override
    public void sethostname(String name) {
        Objects.requireNonNull(name, "hostname");
        Calls.sethostname(name);
    }

    @Override
    public String unameRelease() {
        return Calls.uname()[2];
    }

    @Override
    public void setTimeOfDay(long seconds, long microseconds) {
        if (microseconds < 0 || microseconds >= 1_000_000) {
            throw new IllegalArgumentException("microseconds must be 0..999999, got " + microseconds);
        }
        Calls.settimeofday(seconds, microseconds);
    }

    @Override
    public int getpid() {
        return Calls.getpid();
    }

    @Override
    public Pty openPty() {
        return Pty.open();
    }

    @Override
    public WindowSize windowSize(int fd) {
        int[] w = Calls.getWindowSize(fd);
        return new WindowSize(w[0], w[1], w[2], w[3]);
    }

    @Override
    public void setWindowSize(int fd, WindowSize size) {
        Calls.setWindowSize(fd, size.rows(), size.cols(), size.xpixel(), size.ypixel());
    }

    @Override
    public void makeRaw(int fd) {
        Calls.makeRaw(fd);
    }

    @Override
    public Pipe pipe() {
        int[] fds = Calls.pipe(Calls.O_CLOEXEC);
        return new Pipe(Fd.of(fds[0]), Fd.of(fds[1]));
    }

    @Override
    public void setCloseOnExec(int fd, boolean on) {
        int flags = Calls.fcntl(fd, F_GETFD, 0, "F_GETFD");
        int next = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
        if (next != flags) {
            Calls.fcntl(fd, F_SETFD, next, "F_SETFD " + next);
        }
    }

    @Override
    public void close(int fd) {
        Calls.close(fd);
    }
}
