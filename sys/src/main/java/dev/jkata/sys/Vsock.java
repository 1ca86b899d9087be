package dev.jkata.sys;

import dev.jkata.sys.internal.Calls;

/** AF_VSOCK stream sockets. */
public final class Vsock {

    /** Bind to any context id (VMADDR_CID_ANY). */
    public static final int CID_ANY = -1;
    /** The host's context id (VMADDR_CID_HOST). */
    public static final int CID_HOST = 2;

    private Vsock() {
    }

    /** Connects to {@code port} on context id {@code cid}. */
    public static FdSocket connect(int cid, int port) {
        int fd = Calls.socket(Calls.AF_VSOCK, Calls.SOCK_STREAM, "AF_VSOCK");
        try {
            while (true) {
                try {
                    Calls.connectVsock(fd, cid, port);
                    break;
                } catch (SysException e) {
                    if (e.errno() != Errno.EINTR) {
                        throw e;
                    }
                }
            }
        } catch (RuntimeException e) {
            Calls.closeQuietly(fd);
            throw e;
        }
        return new FdSocket(fd, "vsock:" + Integer.toUnsignedString(cid) + ":" + Integer.toUnsignedString(port));
    }

    /** Listens on {@code port} for any context id (the guest agent's side). */
    public static FdServerSocket listen(int port) {
        int fd = Calls.socket(Calls.AF_VSOCK, Calls.SOCK_STREAM, "AF_VSOCK");
        try {
            Calls.bindVsock(fd, CID_ANY, port);
            Calls.listen(fd, 128, "vsock port " + Integer.toUnsignedString(port));
        } catch (RuntimeException e) {
            Calls.closeQuietly(fd);
            throw e;
        }
        return new FdServerSocket(fd, "vsock:*:" + Integer.toUnsignedString(port), null);
    }
}
