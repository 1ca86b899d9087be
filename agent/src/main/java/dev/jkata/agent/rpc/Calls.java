package dev.jkata.agent.rpc;

import com.google.protobuf.AbstractParser;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.jkata.agent.AgentException;
import dev.jkata.ttrpc.Handler;
import dev.jkata.ttrpc.TtrpcException;
import dev.jkata.ttrpc.TtrpcServer;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/** Registers handlers on a server, maps agent errors to ttrpc statuses and counts calls. */
final class Calls {

    private static final System.Logger LOG = System.getLogger(Calls.class.getName());

    private final TtrpcServer server;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    Calls(TtrpcServer server) {
        this.server = server;
    }

    /**
     * Registers a method. The parser is asked for on the first call only, so that message
     * classes load when used rather than all at start-up (every class costs in a TCG guest).
     */
    <Q extends Message, R extends Message> void add(String service, String method, Supplier<Parser<Q>> parser,
            Handler<Q, R> handler) {
        LongAdder count = counts.computeIfAbsent(method, k -> new LongAdder());
        server.register(service, method, new LazyParser<>(parser), (Q req) -> {
            count.increment();
            long started = System.nanoTime();
            try {
                R r = handler.handle(req);
                if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
                    LOG.log(System.Logger.Level.DEBUG, method + " done in " + (System.nanoTime() - started) / 1_000_000
                            + " ms");
                }
                return r;
            } catch (AgentException e) {
                LOG.log(System.Logger.Level.INFO, method + ": " + e.code() + ": " + e.getMessage());
                throw new TtrpcException(e.code(), e.getMessage(), e);
            } catch (TtrpcException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, method + " failed", e);
                throw new TtrpcException(dev.jkata.ttrpc.Code.INTERNAL, method + ": " + e, e);
            }
        });
    }

    /** A parser that looks up the real one on first use. */
    static final class LazyParser<Q extends Message> extends AbstractParser<Q> {
        private final Supplier<Parser<Q>> supplier;
        private volatile Parser<Q> parser;

        LazyParser(Supplier<Parser<Q>> supplier) {
            this.supplier = supplier;
        }

        private Parser<Q> parser() {
            Parser<Q> p = parser;
            if (p == null) {
                p = supplier.get();
                parser = p;
            }
            return p;
        }

        @Override
        public Q parsePartialFrom(CodedInputStream input, ExtensionRegistryLite registry)
                throws InvalidProtocolBufferException {
            return parser().parsePartialFrom(input, registry);
        }
    }

    /** Calls served so far, by method name. */
    Map<String, Long> counts() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
