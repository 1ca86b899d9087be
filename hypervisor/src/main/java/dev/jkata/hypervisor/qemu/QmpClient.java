package dev.jkata.hypervisor.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jkata.hypervisor.HypervisorException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A QMP client over a unix socket: one JSON object per line each way. Commands carry an {@code id} so
 * replies are matched even with several in flight; events go to listeners on the reader thread.
 */
final class QmpClient implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(QmpClient.class.getName());

    private final ObjectMapper json = new ObjectMapper();
    private final SocketChannel channel;
    private final Path socket;
    private final CompletableFuture<JsonNode> greeting = new CompletableFuture<>();
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<Consumer<QmpEvent>> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final AtomicLong ids = new AtomicLong();
    private final Object writeLock = new Object();

    private QmpClient(SocketChannel channel, Path socket) {
        this.channel = channel;
        this.socket = socket;
        Thread.ofPlatform().daemon().name("qmp-reader-" + socket.getFileName()).start(this::readLoop);
    }

    /** Connects, waits for QEMU's greeting and leaves capabilities negotiation mode. */
    static QmpClient connect(Path socket, Duration timeout) throws HypervisorException {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new HypervisorException("QMP socket " + socket + ": cannot connect", e);
        }
        QmpClient client = new QmpClient(ch, socket);
        try {
            await(client.greeting, timeout, "QMP socket " + socket + ": greeting");
            client.execute("qmp_capabilities", Map.of(), timeout);
            return client;
        } catch (HypervisorException e) {
            client.close();
            throw e;
        }
    }

    /** QEMU's greeting ({@code {"QMP": {"version": …, "capabilities": …}}}). */
    JsonNode greeting() {
        return greeting.getNow(null);
    }

    void addEventListener(Consumer<QmpEvent> listener) {
        listeners.add(listener);
    }

    /** Completes when the connection ends (QEMU quit, died, or {@link #close()}). */
    CompletableFuture<Void> closed() {
        return closed;
    }

    /**
     * Runs a command and returns its {@code return} value.
     *
     * @throws HypervisorException on an {@code error} reply (naming its class and description), a closed
     *     connection, or no reply within the timeout
     */
    JsonNode execute(String command, Map<String, ?> arguments, Duration timeout) throws HypervisorException {
        String id = "jkata-" + ids.incrementAndGet();
        ObjectNode request = json.createObjectNode();
        request.put("execute", command);
        if (!arguments.isEmpty()) {
            request.set("arguments", json.valueToTree(arguments));
        }
        request.put("id", id);
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        try {
            if (closed.isDone()) {
                throw new HypervisorException("QMP " + command + ": connection to " + socket + " is closed");
            }
            byte[] bytes = (json.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (writeLock) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            }
            JsonNode answer = await(reply, timeout, "QMP " + command);
            JsonNode error = answer.get("error");
            if (error != null) {
                throw new HypervisorException("QMP " + command + " failed: "
                        + error.path("class").asText("Error") + ": " + error.path("desc").asText(""));
            }
            return answer.path("return");
        } catch (IOException e) {
            throw new HypervisorException("QMP " + command + ": cannot write to " + socket, e);
        } finally {
            pending.remove(id);
        }
    }

    /** {@code query-status}: the run state, e.g. {@code running}, {@code paused}, {@code shutdown}. */
    String queryStatus(Duration timeout) throws HypervisorException {
        return execute("query-status", Map.of(), timeout).path("status").asText();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing QMP socket " + socket, e);
        }
    }

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            while (channel.read(buf) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    byte b = buf.get();
                    if (b == '\n') {
                        dispatch(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
                buf.clear();
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "QMP socket " + socket + " closed: " + e.getMessage());
        } finally {
            close();
            HypervisorException gone = new HypervisorException("QMP connection to " + socket + " closed");
            greeting.completeExceptionally(gone);
            pending.values().forEach(f -> f.completeExceptionally(gone));
            closed.complete(null);
        }
    }

    private void dispatch(String text) {
        if (text.isBlank()) {
            return;
        }
        JsonNode msg;
        try {
            msg = json.readTree(text);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "QMP socket " + socket + ": ignoring a line that is not JSON: " + text);
            return;
        }
        if (msg.has("QMP")) {
            greeting.complete(msg);
        } else if (msg.has("event")) {
            JsonNode ts = msg.path("timestamp");
            QmpEvent event = new QmpEvent(msg.path("event").asText(),
                    msg.has("data") ? msg.get("data") : json.createObjectNode(),
                    ts.path("seconds").asLong() * 1_000_000 + ts.path("microseconds").asLong());
            for (Consumer<QmpEvent> l : listeners) {
                try {
                    l.accept(event);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "QMP event listener failed on " + event.name(), e);
                }
            }
        } else if (msg.has("return") || msg.has("error")) {
            CompletableFuture<JsonNode> f = pending.get(msg.path("id").asText(""));
            if (f != null) {
                f.complete(msg);
            } else {
                LOG.log(Level.DEBUG, "QMP reply without a waiting command: " + text);
            }
        }
    }

    private static JsonNode await(CompletableFuture<JsonNode> f, Duration timeout, String what)
            throws HypervisorException {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new HypervisorException(what + ": no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HypervisorException he) {
                throw new HypervisorException(what + ": " + he.getMessage(), he);
            }
            throw new HypervisorException(what + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HypervisorException(what + ": interrupted", e);
        }
    }
}
