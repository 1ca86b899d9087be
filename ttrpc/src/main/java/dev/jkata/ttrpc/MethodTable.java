package dev.jkata.ttrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Registered methods of a server, by "service/method". */
final class MethodTable {

    record Entry<Req extends Message, Resp extends Message>(Parser<Req> parser, ContextHandler<Req, Resp> handler) {
        Message invoke(ByteString payload, CallContext ctx) throws Exception {
            return handler.handle(parser.parseFrom(payload), ctx);
        }
    }

    private final Map<String, Entry<?, ?>> entries = new ConcurrentHashMap<>();

    <Req extends Message, Resp extends Message> void add(String service, String method, Parser<Req> parser,
            ContextHandler<Req, Resp> handler) {
        if (service == null || service.isEmpty() || method == null || method.isEmpty()) {
            throw new IllegalArgumentException("service and method must be non-empty, got service '" + service
                    + "', method '" + method + "'");
        }
        if (parser == null || handler == null) {
            throw new IllegalArgumentException("parser and handler of /" + service + "/" + method + " must be non-null");
        }
        Entry<?, ?> old = entries.putIfAbsent(service + "/" + method, new Entry<>(parser, handler));
        if (old != null) {
            throw new IllegalStateException("/" + service + "/" + method + " is already registered");
        }
    }

    Entry<?, ?> find(String service, String method) {
        return entries.get(service + "/" + method);
    }
}
