package dev.jkata.ttrpc;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A bidirectional byte stream that carries ttrpc frames: a unix or vsock socket, or a
 * virtio-serial port. One reader and one (serialised) writer may use it at the same time.
 */
public interface Connection extends AutoCloseable {

    InputStream input();

    OutputStream output();

    /** Closes both directions; a reader blocked in {@link #input()} sees end of stream or an error. */
    @Override
    void close();

    /** A short human-readable name for log messages, e.g. {@code unix:/run/x.sock}. */
    default String name() {
        return getClass().getSimpleName();
    }

    /** A connection over two existing streams; {@code onClose} releases what lies beneath. */
    static Connection of(String name, InputStream in, OutputStream out, AutoCloseable onClose) {
        return new StreamConnection(name, in, out, onClose);
    }

    /** The plain implementation behind {@link #of}. */
    record StreamConnection(String name, InputStream input, OutputStream output, AutoCloseable onClose)
            implements Connection {
        public StreamConnection {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(output, "output");
            Objects.requireNonNull(onClose, "onClose");
        }

        @Override
        public void close() {
            try {
                onClose.close();
            } catch (Exception e) {
                System.getLogger(Connection.class.getName())
                        .log(System.Logger.Level.DEBUG, "closing " + name + ": " + e);
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
