package dev.jkata.ttrpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.jkata.proto.ttrpc.Response;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A ttrpc client over one {@link Connection}. Thread-safe: many calls may be in flight at once,
 * each on its own odd stream id (1, 3, 5, …). When the connection drops, every pending call fails
 * with UNAVAILABLE and the {@link #onClose} callbacks run.
 */
public final class TtrpcClient implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TtrpcClient.class.getName());

    private final Connection connection;
    private final FrameWriter writer;
    private final AtomicInteger nextStream = new AtomicInteger(1);
    private final Map<Integer, CompletableFuture<Response>> pending = new ConcurrentHashMap<>();
    private final Object closeLock = new Object();
    private final List<Runnable> onClose = new ArrayList<>(); // guarded by closeLock
    private volatile String closeReason; // non-null once closed

    /** Starts reading responses from {@code connection}, which the client now owns. */
    public TtrpcClient(Connection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.writer = new FrameWriter(connection.output());
        Thread.ofPlatform().name("ttrpc-client " + connection.name()).daemon(true).start(this::readLoop);
    }

    /**
     * Calls {@code /service/method} and waits for its response.
     *
     * @param timeout how long to wait; sent to the server as the call's deadline. Null, zero or
     *                negative means no deadline.
     * @throws TtrpcException with the server's status, DEADLINE_EXCEEDED when the timeout passes,
     *                        UNAVAILABLE when the connection is or gets closed, CANCELLED on interrupt
     */
    public <R extends Message> R call(String service, String method, Message request, Parser<R> parser,
            Duration timeout) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(parser, "parser");
        String full = "/" + service + "/" + method;
        long nanos = timeout == null || timeout.isNegative() || timeout.isZero() ? 0 : saturatedNanos(timeout);
        int stream = nextStream.getAndAdd(2);
        CompletableFuture<Response> future = new CompletableFuture<>();
        pending.put(stream, future);
        String reason = closeReason;
        if (reason != null) {
            pending.remove(stream);
            throw unavailable(full, reason);
        }
        try {
            writer.write(Frame.request(stream, service, method, request.toByteString(), nanos));
        } catch (TtrpcException e) {
            pending.remove(stream);
            throw new TtrpcException(e.code(), full + ": request: " + e.getMessage(), e);
        } catch (IOException e) {
            pending.remove(stream);
            shutdown("write failed: " + e.getMessage());
            throw unavailable(full, closeReason);
        }
        Response response = await(full, stream, future, nanos, timeout);
        if (response.hasStatus() && response.getStatus().getCode() != 0) {
            throw TtrpcException.fromStatus(response.getStatus());
        }
        try {
            return parser.parseFrom(response.getPayload());
        } catch (InvalidProtocolBufferException e) {
            throw new TtrpcException(Code.INTERNAL, full + ": undecodable response: " + e.getMessage(), e);
        }
    }

    private Response await(String full, int stream, CompletableFuture<Response> future, long nanos, Duration timeout) {
        try {
            return nanos == 0 ? future.get() : future.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.remove(stream);
            throw new TtrpcException(Code.DEADLINE_EXCEEDED, full + ": no response within " + timeout);
        } catch (InterruptedException e) {
            pending.remove(stream);
            Thread.currentThread().interrupt();
            throw new TtrpcException(Code.CANCELLED, full + ": interrupted while waiting for the response", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TtrpcException t) {
                throw new TtrpcException(t.code(), t.getMessage(), t);
            }
            throw new TtrpcException(Code.INTERNAL, full + ": " + e.getCause(), e.getCause());
        }
    }

    /** Runs {@code callback} once when the connection closes (at once if it already has). */
    public void onClose(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        synchronized (closeLock) {
            if (closeReason == null) {
                onClose.add(callback);
                return;
            }
        }
        runQuietly(callback);
    }

    public boolean isClosed() {
        return closeReason != null;
    }

    /** Closes the connection; pending calls fail with UNAVAILABLE. */
    @Override
    public void close() {
        shutdown("client closed");
    }

    private void readLoop() {
        String reason;
        try {
            while (true) {
                Frame frame = Frame.read(connection.input());
                if (frame == null) {
                    reason = "connection closed by the server";
                    break;
                }
                if (frame instanceof Frame.Response r) {
                    CompletableFuture<Response> f = pending.remove(r.streamId());
                    if (f != null) {
                        f.complete(r.response());
                    } else {
                        LOG.log(Level.DEBUG, "ttrpc " + connection.name() + ": response for unknown stream "
                                + Integer.toUnsignedString(r.streamId()) + " (timed out?)");
                    }
                } else if (frame instanceof Frame.Data d) {
                    LOG.log(Level.DEBUG, "ttrpc " + connection.name() + ": ignoring data frame on stream "
                            + Integer.toUnsignedString(d.streamId()));
                } else {
                    reason = "the server sent a request frame, which a client does not accept";
                    break;
                }
            }
        } catch (TtrpcException e) {
            reason = "bad frame from the server: " + e.getMessage();
        } catch (IOException e) {
            reason = "read failed: " + e.getMessage();
        }
        if (closeReason == null) {
            LOG.log(Level.DEBUG, "ttrpc " + connection.name() + ": " + reason);
        }
        shutdown(reason);
    }

    private void shutdown(String reason) {
        List<Runnable> callbacks;
        synchronized (closeLock) {
            if (closeReason != null) {
                return;
            }
            closeReason = reason;
            callbacks = List.copyOf(onClose);
            onClose.clear();
        }
        connection.close();
        for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            it.remove();
            e.getValue().completeExceptionally(new TtrpcException(Code.UNAVAILABLE,
                    "ttrpc connection " + connection.name() + " closed: " + reason));
        }
        callbacks.forEach(TtrpcClient::runQuietly);
    }

    private TtrpcException unavailable(String full, String reason) {
        return new TtrpcException(Code.UNAVAILABLE, full + ": ttrpc connection " + connection.name() + " closed: " + reason);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "ttrpc: onClose callback failed", e);
        }
    }
}
