package dev.jkata.ttrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.jkata.proto.ttrpc.KeyValue;
import dev.jkata.proto.ttrpc.Response;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;

/**
 * Serves the frames of one client session: reads requests on the calling thread, runs each
 * handler on its own thread, writes responses through a shared {@link FrameWriter}.
 */
final class ServerSession {

    private static final System.Logger LOG = System.getLogger(ServerSession.class.getName());

    /** How a session ended. */
    enum End { EOF, BROKEN, STOPPED }

    private final String name;
    private final InputStream in;
    private final FrameWriter writer;
    private final MethodTable methods;
    private final ThreadFactory handlerThreads;
    private final BooleanSupplier stopping;
    /** Set when the reader saw the end of the session: late responses are dropped, not sent to the next host. */
    private volatile boolean ended;

    ServerSession(String name, InputStream in, FrameWriter writer, MethodTable methods,
            ThreadFactory handlerThreads, BooleanSupplier stopping) {
        this.name = name;
        this.in = in;
        this.writer = writer;
        this.methods = methods;
        this.handlerThreads = handlerThreads;
        this.stopping = stopping;
    }

    /** Reads and dispatches frames until the input ends or breaks. */
    End run() {
        try {
            return readLoop();
        } finally {
            ended = true;
        }
    }

    private End readLoop() {
        while (true) {
            Frame frame;
            try {
                frame = Frame.read(in);
            } catch (TtrpcException e) {
                LOG.log(Level.WARNING, "ttrpc " + name + ": closing session, bad frame: " + e.getMessage());
                return End.BROKEN;
            } catch (IOException e) {
                if (stopping.getAsBoolean()) {
                    return End.STOPPED;
                }
                LOG.log(Level.DEBUG, "ttrpc " + name + ": read failed: " + e);
                return End.BROKEN;
            }
            if (frame == null) {
                return stopping.getAsBoolean() ? End.STOPPED : End.EOF;
            }
            switch (frame) {
                case Frame.Request r -> handlerThreads.newThread(() -> answer(r)).start();
                case Frame.Data d -> LOG.log(Level.DEBUG, "ttrpc " + name + ": ignoring data frame on stream "
                        + Integer.toUnsignedString(d.streamId()) + " (streaming is not supported)");
                case Frame.Response r -> {
                    LOG.log(Level.WARNING, "ttrpc " + name + ": closing session, a client sent a response frame on stream "
                            + Integer.toUnsignedString(r.streamId()));
                    return End.BROKEN;
                }
            }
        }
    }

    private void answer(Frame.Request frame) {
        Response response = dispatch(frame);
        if (ended) {
            LOG.log(Level.DEBUG, "ttrpc " + name + ": session ended, dropping the response of "
                    + fullMethod(frame.request()) + " on stream " + Integer.toUnsignedString(frame.streamId()));
            return;
        }
        Frame.Response out = new Frame.Response(frame.streamId(), response);
        try {
            try {
                writer.write(out);
            } catch (TtrpcException tooBig) {
                writer.write(new Frame.Response(frame.streamId(), Response.newBuilder()
                        .setStatus(new TtrpcException(tooBig.code(), fullMethod(frame.request()) + ": response: "
                                + tooBig.getMessage()).toStatus()).build()));
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "ttrpc " + name + ": cannot send response for " + fullMethod(frame.request()) + ": " + e);
        }
    }

    private Response dispatch(Frame.Request frame) {
        dev.jkata.proto.ttrpc.Request req = frame.request();
        String full = fullMethod(req);
        MethodTable.Entry<?, ?> entry = methods.find(req.getService(), req.getMethod());
        if (entry == null) {
            return error(new TtrpcException(Code.UNIMPLEMENTED, full + " is not implemented"));
        }
        Optional<Instant> deadline = req.getTimeoutNano() > 0
                ? Optional.of(Instant.now().plusNanos(req.getTimeoutNano())) : Optional.empty();
        CallContext ctx = new CallContext(req.getService(), req.getMethod(), frame.streamId(), deadline,
                metadata(req.getMetadataList()));
        try {
            Message result = ScopedValue.where(CallContext.CURRENT, ctx).call(() -> entry.invoke(req.getPayload(), ctx));
            if (result == null) {
                return error(new TtrpcException(Code.INTERNAL, full + ": handler returned no response"));
            }
            return Response.newBuilder().setStatus(dev.jkata.proto.rpc.Status.newBuilder().setCode(0))
                    .setPayload(result.toByteString()).build();
        } catch (TtrpcException e) {
            return error(e);
        } catch (InvalidProtocolBufferException e) {
            return error(new TtrpcException(Code.INVALID_ARGUMENT, full + ": undecodable request: " + e.getMessage()));
        } catch (Throwable e) {
            LOG.log(Level.WARNING, "ttrpc " + name + ": handler of " + full + " failed", e);
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            return error(new TtrpcException(Code.INTERNAL, full + ": " + msg));
        }
    }

    private static Response error(TtrpcException e) {
        return Response.newBuilder().setStatus(e.toStatus()).setPayload(ByteString.EMPTY).build();
    }

    static String fullMethod(dev.jkata.proto.ttrpc.Request req) {
        return "/" + req.getService() + "/" + req.getMethod();
    }

    private static Map<String, List<String>> metadata(List<KeyValue> pairs) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (KeyValue kv : pairs) {
            map.computeIfAbsent(kv.getKey(), k -> new ArrayList<>()).add(kv.getValue());
        }
        map.replaceAll((k, v) -> List.copyOf(v));
        return map;
    }
}
