package dev.jkata.ttrpc;

import com.google.protobuf.Message;

/**
 * Serves one ttrpc method. Throw {@link TtrpcException} to answer with a status; any other
 * exception answers INTERNAL with its message. The call's deadline is in {@link CallContext#current()}.
 */
@FunctionalInterface
public interface Handler<Req extends Message, Resp extends Message> {
    Resp handle(Req request) throws Exception;
}
