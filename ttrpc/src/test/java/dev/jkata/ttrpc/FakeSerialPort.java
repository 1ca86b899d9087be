package dev.jkata.ttrpc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Stands in for a virtio-serial port: the guest side is one {@link Connection} that lives for the
 * whole test; host sides come and go. While no host is connected, guest reads return end of
 * stream at once (as a virtio port does); while one is, they block for its data.
 */
final class FakeSerialPort {

    private final Object lock = new Object();
    private final ByteArrayOutputStream toGuest = new ByteArrayOutputStream(); // guarded by lock
    private ByteArrayOutputStream toHost = new ByteArrayOutputStream(); // guarded by lock
    private boolean hostConnected; // guarded by lock
    private int generation; // guarded by lock
    private int eofReads; // guarded by lock

    int eofReads() {
        synchronized (lock) {
            return eofReads;
        }
    }

    /** The guest's end: opened once, never reopened. */
    Connection guest() {
        InputStream in = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                synchronized (lock) {
                    while (hostConnected && toGuest.size() == 0) {
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            throw new java.io.InterruptedIOException();
                        }
                    }
                    if (toGuest.size() == 0) {
                        eofReads++;
                        return -1;
                    }
                    byte[] all = toGuest.toByteArray();
                    int n = Math.min(len, all.length);
                    System.arraycopy(all, 0, b, off, n);
                    toGuest.reset();
                    toGuest.write(all, n, all.length - n);
                    return n;
                }
            }
        };
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (lock) {
                    if (hostConnected) {
                        toHost.write(b, off, len);
                        lock.notifyAll();
                    }
                }
            }
        };
        return Connection.of("fake-serial", in, out, () -> { });
    }

    /** A new host connection (like QEMU's chardev socket getting a client). */
    Connection connectHost() {
        int gen;
        synchronized (lock) {
            hostConnected = true;
            toGuest.reset();
            toHost = new ByteArrayOutputStream();
            gen = ++generation;
            lock.notifyAll();
        }
        final int myGen = gen;
        InputStream in = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                synchronized (lock) {
                    while (generation == myGen && hostConnected && toHost.size() == 0) {
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            throw new java.io.InterruptedIOException();
                        }
                    }
                    if (generation != myGen || !hostConnected) {
                        return -1;
                    }
                    byte[] all = toHost.toByteArray();
                    int n = Math.min(len, all.length);
                    System.arraycopy(all, 0, b, off, n);
                    toHost.reset();
                    toHost.write(all, n, all.length - n);
                    return n;
                }
            }
        };
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                synchronized (lock) {
                    if (generation != myGen || !hostConnected) {
                        throw new IOException("host side disconnected");
                    }
                    toGuest.write(b, off, len);
                    lock.notifyAll();
                }
            }
        };
        return Connection.of("fake-host-" + myGen, in, out, () -> {
            synchronized (lock) {
                if (generation == myGen) {
                    hostConnected = false;
                    lock.notifyAll();
                }
            }
        });
    }
}
