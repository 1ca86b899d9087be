package dev.jkata.ttrpc;

import com.google.protobuf.Message;

/** A {@link Handler} that takes the call's {@link CallContext} as an argument. */
@FunctionalInterface
public interface ContextHandler<Req extends Message, Resp extends Message> {
    Resp handle(Req request, CallContext context) throws Exception;
}
