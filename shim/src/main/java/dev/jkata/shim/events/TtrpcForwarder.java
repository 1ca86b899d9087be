package dev.jkata.shim.events;

import com.google.protobuf.Empty;
import dev.jkata.proto.events.ttrpc.Envelope;
import dev.jkata.proto.events.ttrpc.ForwardRequest;
import dev.jkata.ttrpc.Transports;
import dev.jkata.ttrpc.TtrpcClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** Forwards envelopes to containerd's {@code containerd.services.events.ttrpc.v1.Events/Forward}. */
public final class TtrpcForwarder implements EventQueue.Forwarder, AutoCloseable {
    static final String SERVICE = "containerd.services.events.ttrpc.v1.Events";

    private final Path socket;
    private TtrpcClient client; // used only by the event queue's thread

    /** {@code address} is containerd's TTRPC_ADDRESS: a socket path, optionally prefixed {@code unix://}. */
    public TtrpcForwarder(String address) {
        this.socket = Path.of(address.startsWith("unix://") ? address.substring("unix://".length()) : address);
    }

    @Override
    public void forward(Envelope envelope) throws IOException {
        if (client == null || client.isClosed()) {
            client = new TtrpcClient(Transports.unix(socket));
        }
        try {
            client.call(SERVICE, "Forward", ForwardRequest.newBuilder().setEnvelope(envelope).build(),
                    Empty.parser(), Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            client.close();
            client = null;
            throw e;
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
