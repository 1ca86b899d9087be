package dev.jkata.ttrpc;

import dev.jkata.sys.FdServerSocket;
import dev.jkata.sys.FdSocket;
import dev.jkata.sys.SysException;
import dev.jkata.sys.Vsock;
import java.io.IOException;

/** AF_VSOCK connections through the sys module. */
final class VsockTransport {

    private VsockTransport() {
    }

    static Connection connect(int cid, int port) throws IOException {
        try {
            return wrap(Vsock.connect(cid, port));
        } catch (SysException e) {
            throw new IOException("cannot connect to vsock cid " + Integer.toUnsignedString(cid) + " port "
                    + Integer.toUnsignedString(port) + ": " + e.getMessage(), e);
        }
    }

    static FdServerSocket listen(int port) throws IOException {
        try {
            return Vsock.listen(port);
        } catch (SysException e) {
            throw new IOException("cannot listen on vsock port " + Integer.toUnsignedString(port) + ": " + e.getMessage(), e);
        }
    }

    static Connection wrap(FdSocket s) {
        return Connection.of(s.name(), s.input(), s.output(), s);
    }
}
