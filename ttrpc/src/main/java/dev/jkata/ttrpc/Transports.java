package dev.jkata.ttrpc;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** Opens the client side of the agent channels: unix, vsock, hybrid vsock and virtio-serial. */
public final class Transports {

    /** Longest reply line accepted from a hybrid vsock proxy. */
    static final int MAX_HANDSHAKE_LINE = 256;

    private Transports() {
    }

    /** Connects to a unix stream socket. */
    public static Connection unix(Path path) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot connect to unix socket " + path + ": " + e.getMessage(), e);
        }
        return ChannelStreams.connection("unix:" + path, ch);
    }

    /** Connects to {@code port} of the VM with context id {@code cid} over AF_VSOCK. */
    public static Connection vsock(int cid, int port) throws IOException {
        return VsockTransport.connect(cid, port);
    }

    /**
     * Connects through a hybrid vsock unix socket (Cloud Hypervisor, Firecracker): sends
     * {@code CONNECT <port>\n} and expects a reply line starting with {@code OK }.
     */
    public static Connection hybridVsock(Path path, int port) throws IOException {
        Connection c = unix(path);
        try {
            c.output().write(("CONNECT " + port + "\n").getBytes(StandardCharsets.US_ASCII));
            c.output().flush();
            String reply = readLine(c.input());
            if (reply == null || !reply.startsWith("OK ")) {
                throw new IOException("hybrid vsock " + path + " port " + port + ": expected a reply 'OK <port>', got "
                        + (reply == null ? "end of stream" : "'" + reply + "'"));
            }
            return Connection.of("hvsock:" + path + ":" + port, c.input(), c.output(), c);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Opens a virtio-serial port once, reading and writing through the same file descriptor
     * (a virtio port refuses a second open).
     */
    public static Connection serial(Path device) throws IOException {
        requireExisting(device);
        RandomAccessFile file;
        try {
            file = new RandomAccessFile(device.toFile(), "rw");
        } catch (IOException e) {
            throw new IOException("cannot open serial device " + device + ": " + e.getMessage(), e);
        }
        return Connection.of("serial:" + device, new FileInputStream(file.getFD()), new FileOutputStream(file.getFD()), file);
    }

    /** A device path must exist: opening it read-write must never create a file. */
    static void requireExisting(Path device) throws IOException {
        if (!java.nio.file.Files.exists(device)) {
            throw new java.nio.file.NoSuchFileException(device.toString(), null,
                    "cannot open serial device " + device + ": no such device");
        }
        if (java.nio.file.Files.isDirectory(device)) {
            throw new IOException("cannot open serial device " + device + ": it is a directory");
        }
    }

    /** Reads one line byte by byte (so nothing after it is consumed); null at end of stream. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.US_ASCII);
            }
            if (line.size() >= MAX_HANDSHAKE_LINE) {
                throw new IOException("handshake reply longer than " + MAX_HANDSHAKE_LINE + " bytes");
            }
            line.write(b);
        }
    }
}
