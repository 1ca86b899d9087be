package dev.jkata.sys;

import dev.jkata.sys.internal.Calls;

/**
 * A pseudo-terminal pair: the master, owned here, and the slave's path (e.g. {@code /dev/pts/3})
 * for the process that gets the terminal.
 */
public record Pty(Fd master, String slavePath) implements AutoCloseable {

    /** posix_openpt + grantpt + unlockpt + ptsname_r. */
    public static Pty open() {
        Calls.PtyFds p = Calls.openpt();
        return new Pty(Fd.of(p.master()), p.slave());
    }

    /** Opens the slave side (O_RDWR | O_NOCTTY | O_CLOEXEC), e.g. for a test or a local reader. */
    public Fd openSlave() {
        return Fd.of(Calls.open(slavePath, Calls.O_RDWR | Calls.O_NOCTTY, 0));
    }

    /** A stream over the master that ends (instead of failing with EIO) when the slave closes. */
    public FdInputStream masterInput() {
        return new FdInputStream(master, true);
    }

    public FdOutputStream masterOutput() {
        return new FdOutputStream(master);
    }

    @Override
    public void close() {
        master.close();
    }
}
