package dev.jkata.ttrpc;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.jkata.sys.FdServerSocket;
import dev.jkata.sys.SysException;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A ttrpc server: register handlers, then serve connections, listen on sockets or serve a
 * virtio-serial device. Each connection has one reader thread; each call runs on its own thread
 * (virtual by default); responses are written one at a time. A broken frame closes only the
 * connection it came on.
 */
public final class TtrpcServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TtrpcServer.class.getName());

    /** Pause after the host side of a serial port went away, before reading again. */
    static final Duration SERIAL_REOPEN_PAUSE = Duration.ofMillis(30);

    private final MethodTable methods = new MethodTable();
    private final ThreadFactory handlerThreads;
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private volatile boolean closed;

    /** A server whose handlers run on virtual threads. */
    public TtrpcServer() {
        this(Thread.ofVirtual().name("ttrpc-call-", 0).factory());
    }

    /**
     * A server whose handlers run on threads from {@code handlerThreads} (pass platform threads when
     * handlers block in native calls for long, which would pin virtual threads' carriers).
     */
    public TtrpcServer(ThreadFactory handlerThreads) {
        this.handlerThreads = Objects.requireNonNull(handlerThreads, "handlerThreads");
    }

    /** Registers the handler of {@code /service/method}; requests are parsed with {@code parser}. */
    public <Req extends Message, Resp extends Message> TtrpcServer register(String service, String method,
            Parser<Req> parser, Handler<Req, Resp> handler) {
        Objects.requireNonNull(handler, "handler");
        methods.add(service, method, parser, (req, ctx) -> handler.handle(req));
        return this;
    }

    /** Registers a handler that takes the call's context as an argument. */
    public <Req extends Message, Resp extends Message> TtrpcServer register(String service, String method,
            Parser<Req> parser, ContextHandler<Req, Resp> handler) {
        methods.add(service, method, parser, handler);
        return this;
    }

    /** Serves one connection on a new reader thread; the connection is closed when its session ends. */
    public void serve(Connection connection) {
        ensureOpen();
        open.add(connection);
        if (closed) {
            open.remove(connection);
            connection.close();
            throw new IllegalStateException("ttrpc server is closed");
        }
        Thread.ofPlatform().name("ttrpc-conn " + connection.name()).daemon(true).start(() -> {
            try {
                new ServerSession(connection.name(), connection.input(), new FrameWriter(connection.output()),
                        methods, handlerThreads, () -> closed).run();
            } finally {
                connection.close();
                open.remove(connection);
            }
        });
    }

    /**
     * Listens on a unix socket at {@code path} (a stale socket file there is replaced) and serves
     * every connection; returns once listening. Stops on {@link #close()}, which removes the file.
     */
    public void listenUnix(Path path) throws IOException {
        ensureOpen();
        if (Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path)) {
            Files.delete(path);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on unix socket " + path + ": " + e.getMessage(), e);
        }
        AutoCloseable stop = () -> {
            server.close();
            Files.deleteIfExists(path);
        };
        open.add(stop);
        Thread.ofPlatform().name("ttrpc-listen unix:" + path).start(() -> {
            try {
                while (!closed) {
                    SocketChannel ch = server.accept();
                    serve(ChannelStreams.connection("unix:" + path, ch));
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.log(Level.ERROR, "ttrpc: stopped accepting on unix:" + path + ": " + e);
                }
            } finally {
                open.remove(stop);
                closeQuietly(stop);
            }
        });
    }

    /**
     * Listens on AF_VSOCK {@code port} for any context id (the guest agent's side, port 1024) and
     * serves every connection; returns once listening. Stops on {@link #close()}.
     */
    public void listenVsock(int port) throws IOException {
        ensureOpen();
        FdServerSocket server = VsockTransport.listen(port);
        open.add(server);
        Thread.ofPlatform().name("ttrpc-listen " + server.name()).start(() -> {
            try {
                while (!closed) {
                    serve(VsockTransport.wrap(server.accept()));
                }
            } catch (SysException | IllegalStateException e) {
                if (!closed) {
                    LOG.log(Level.ERROR, "ttrpc: stopped accepting on " + server.name() + ": " + e.getMessage());
                }
            } finally {
                open.remove(server);
                server.close();
            }
        });
    }

    /**
     * Serves a virtio-serial port (guest side of the agent channel), e.g. {@code /dev/vport0p1}.
     * The device is opened once; when the host side goes away a read ends at once, and the server
     * waits briefly and serves the next host connection on the same device, until {@link #close()}.
     * Returns once the device is open.
     */
    public void serveSerial(Path device) throws IOException {
        ensureOpen();
        Transports.requireExisting(device);
        RandomAccessFile file;
        try {
            file = new RandomAccessFile(device.toFile(), "rw");
        } catch (IOException e) {
            throw new IOException("cannot open serial device " + device + ": " + e.getMessage(), e);
        }
        var in = new FileInputStream(file.getFD());
        var out = new FileOutputStream(file.getFD());
        serveDevice(Connection.of("serial:" + device, in, out, file));
    }

    /** Serves a device-like connection whose input ends with each host session and then resumes. */
    void serveDevice(Connection device) {
        ensureOpen();
        open.add(device);
        FrameWriter writer = new FrameWriter(device.output());
        Thread.ofPlatform().name("ttrpc-serial " + device.name()).start(() -> {
            try {
                ServerSession.End last = null;
                while (!closed) {
                    ServerSession.End end = new ServerSession(device.name(), device.input(), writer, methods,
                            handlerThreads, () -> closed).run();
                    if (end == ServerSession.End.STOPPED || closed) {
                        break;
                    }
                    if (end != last) {
                        LOG.log(Level.DEBUG, "ttrpc " + device.name() + ": session ended (" + end + "), waiting for the next one");
                    }
                    last = end;
                    Thread.sleep(SERIAL_REOPEN_PAUSE);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                open.remove(device);
                device.close();
            }
        });
    }

    /** Stops listening and closes every connection and device. Calls in flight are abandoned. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable c : open) {
            closeQuietly(c);
        }
        open.clear();
        closedLatch.countDown();
    }

    /** Blocks until {@link #close()} has been called. */
    public void awaitClosed() throws InterruptedException {
        closedLatch.await();
    }

    /** Waits up to {@code timeout} for {@link #close()}; true when closed. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closedLatch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public boolean isClosed() {
        return closed;
    }

    void track(AutoCloseable c) {
        open.add(c);
    }

    void untrack(AutoCloseable c) {
        open.remove(c);
    }

    boolean closing() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ttrpc server is closed");
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "ttrpc: closing " + c + ": " + e);
        }
    }
}
