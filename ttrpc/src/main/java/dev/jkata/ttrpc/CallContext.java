package dev.jkata.ttrpc;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a server handler knows about the call it serves: the method, the caller's deadline and
 * metadata. Handlers get it as an argument ({@link ContextHandler}) or through {@link #current()}.
 *
 * @param service  the service name, e.g. {@code grpc.AgentService}
 * @param method   the method name, e.g. {@code CreateContainer}
 * @param streamId the stream id of the request
 * @param deadline when the caller gives up, or empty when it sent no timeout
 * @param metadata request metadata, key to values in order received
 */
public record CallContext(String service, String method, int streamId, Optional<Instant> deadline,
        Map<String, List<String>> metadata) {

    /** Bound while a handler runs. */
    public static final ScopedValue<CallContext> CURRENT = ScopedValue.newInstance();

    public CallContext {
        metadata = Map.copyOf(metadata);
    }

    /** The context of the call the current thread is handling. */
    public static CallContext current() {
        if (!CURRENT.isBound()) {
            throw new IllegalStateException("no ttrpc call is being handled on this thread");
        }
        return CURRENT.get();
    }

    /** Time left until the deadline (negative when past), or empty without a deadline. */
    public Optional<Duration> remaining() {
        return deadline.map(d -> Duration.between(Instant.now(), d));
    }

    /** True when the caller's deadline has passed. */
    public boolean expired() {
        return deadline.map(d -> !Instant.now().isBefore(d)).orElse(false);
    }

    /** "/service/method", as used in error messages. */
    public String fullMethod() {
        return "/" + service + "/" + method;
    }
}
