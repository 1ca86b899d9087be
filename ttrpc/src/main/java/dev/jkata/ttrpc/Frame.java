package dev.jkata.ttrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * One ttrpc frame: a {@link FrameHeader} followed by its data. Requests and responses carry the
 * protobuf envelopes {@code ttrpc.Request} / {@code ttrpc.Response}; data frames carry raw bytes.
 */
public sealed interface Frame permits Frame.Request, Frame.Response, Frame.Data {

    /** Largest data length a frame may carry (4 MiB). */
    int MAX_DATA = 4 << 20;

    /** Data-frame flag: the sender will send nothing more on this stream. */
    int FLAG_REMOTE_CLOSED = 0x1;
    /** Request flag: the sender keeps the stream open for data frames. */
    int FLAG_REMOTE_OPEN = 0x2;
    /** Data-frame flag: the frame carries no data. */
    int FLAG_NO_DATA = 0x4;

    int streamId();

    int flags();

    FrameType type();

    /** The data bytes after the header. */
    byte[] data();

    /** A call from client to server. */
    record Request(int streamId, int flags, dev.jkata.proto.ttrpc.Request request) implements Frame {
        public Request {
            Objects.requireNonNull(request, "request");
        }

        public Request(int streamId, dev.jkata.proto.ttrpc.Request request) {
            this(streamId, 0, request);
        }

        @Override
        public FrameType type() {
            return FrameType.REQUEST;
        }

        @Override
        public byte[] data() {
            return request.toByteArray();
        }
    }

    /** The answer to the request with the same stream id. */
    record Response(int streamId, int flags, dev.jkata.proto.ttrpc.Response response) implements Frame {
        public Response {
            Objects.requireNonNull(response, "response");
        }

        public Response(int streamId, dev.jkata.proto.ttrpc.Response response) {
            this(streamId, 0, response);
        }

        @Override
        public FrameType type() {
            return FrameType.RESPONSE;
        }

        @Override
        public byte[] data() {
            return response.toByteArray();
        }
    }

    /** Stream data (used by streaming calls; Kata's agent API does not stream). */
    record Data(int streamId, int flags, byte[] payload) implements Frame {
        public Data {
            payload = payload == null ? new byte[0] : payload.clone();
        }

        @Override
        public FrameType type() {
            return FrameType.DATA;
        }

        @Override
        public byte[] data() {
            return payload.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Data d && d.streamId == streamId && d.flags == flags && Arrays.equals(d.payload, payload);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * streamId + flags) + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Data[streamId=" + streamId + ", flags=" + flags + ", " + payload.length + " bytes]";
        }
    }

    /** Decodes the data of a frame whose header has been read. */
    static Frame decode(FrameHeader header, byte[] data) {
        if (data.length != header.length()) {
            throw new TtrpcException(Code.INVALID_ARGUMENT,
                    "ttrpc frame header says " + header.length() + " bytes of data, got " + data.length);
        }
        try {
            return switch (header.type()) {
                case REQUEST -> new Request(header.streamId(), header.flags(),
                        dev.jkata.proto.ttrpc.Request.parseFrom(data));
                case RESPONSE -> new Response(header.streamId(), header.flags(),
                        dev.jkata.proto.ttrpc.Response.parseFrom(data));
                case DATA -> new Data(header.streamId(), header.flags(), data);
            };
        } catch (InvalidProtocolBufferException e) {
            throw new TtrpcException(Code.INVALID_ARGUMENT, "undecodable ttrpc " + header.type().name().toLowerCase()
                    + " on stream " + Integer.toUnsignedString(header.streamId()) + ": " + e.getMessage(), e);
        }
    }

    /** Decodes one whole frame (header and data) from a byte array. */
    static Frame decode(byte[] frame) {
        FrameHeader header = FrameHeader.decode(frame);
        if (frame.length != FrameHeader.LENGTH + header.length()) {
            throw new TtrpcException(Code.INVALID_ARGUMENT, "ttrpc frame of " + frame.length
                    + " bytes does not match its header length " + header.length());
        }
        return decode(header, Arrays.copyOfRange(frame, FrameHeader.LENGTH, frame.length));
    }

    /**
     * Reads one frame. Returns null when the stream ends cleanly before a new frame starts.
     *
     * @throws EOFException    when the stream ends inside a frame
     * @throws TtrpcException  for an oversized or garbled frame
     */
    static Frame read(InputStream in) throws IOException {
        byte[] head = new byte[FrameHeader.LENGTH];
        int n = in.readNBytes(head, 0, head.length);
        if (n == 0) {
            return null;
        }
        if (n < head.length) {
            throw new EOFException("stream ended inside a ttrpc frame header (" + n + " of 10 bytes)");
        }
        FrameHeader header = FrameHeader.decode(head);
        byte[] data = new byte[header.length()];
        int got = in.readNBytes(data, 0, data.length);
        if (got < data.length) {
            throw new EOFException("stream ended inside a ttrpc frame (" + got + " of "
                    + header.length() + " data bytes)");
        }
        return decode(header, data);
    }

    /** The whole frame, header and data, as bytes. */
    default byte[] encode() {
        byte[] data = data();
        if (data.length > MAX_DATA) {
            throw FrameHeader.oversized(data.length);
        }
        byte[] out = new byte[FrameHeader.LENGTH + data.length];
        new FrameHeader(data.length, streamId(), type(), flags()).encodeInto(out);
        System.arraycopy(data, 0, out, FrameHeader.LENGTH, data.length);
        return out;
    }

    /** Writes the frame with one write call and flushes. The caller serialises writers. */
    default void writeTo(OutputStream out) throws IOException {
        out.write(encode());
        out.flush();
    }

    /** A request frame for a call. */
    static Request request(int streamId, String service, String method, ByteString payload, long timeoutNanos) {
        return new Request(streamId, dev.jkata.proto.ttrpc.Request.newBuilder()
                .setService(service).setMethod(method).setPayload(payload).setTimeoutNano(timeoutNanos).build());
    }
}
