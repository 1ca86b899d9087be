package dev.jkata.ttrpc;

/**
 * The 10-byte header in front of every ttrpc frame: u32 big-endian data length, u32 big-endian
 * stream id, u8 type, u8 flags.
 *
 * @param length   bytes of data after the header, at most {@link Frame#MAX_DATA}
 * @param streamId the call this frame belongs to (odd when the client opened it)
 * @param type     request, response or data
 * @param flags    type-specific flags (see {@link Frame#FLAG_REMOTE_CLOSED} and friends)
 */
public record FrameHeader(int length, int streamId, FrameType type, int flags) {

    public static final int LENGTH = 10;

    public FrameHeader {
        if (length < 0 || length > Frame.MAX_DATA) {
            throw oversized(Integer.toUnsignedLong(length));
        }
        if (type == null) {
            throw new IllegalArgumentException("frame type is null");
        }
        if (flags < 0 || flags > 0xff) {
            throw new IllegalArgumentException("frame flags " + flags + " do not fit in one byte");
        }
    }

    /** Reads a header from its 10 bytes; an oversized length or an unknown type is an error. */
    public static FrameHeader decode(byte[] b) {
        if (b.length < LENGTH) {
            throw new TtrpcException(Code.INVALID_ARGUMENT,
                    "ttrpc frame header needs " + LENGTH + " bytes, got " + b.length);
        }
        long length = u32(b, 0);
        if (length > Frame.MAX_DATA) {
            throw oversized(length);
        }
        int streamId = (int) u32(b, 4);
        return new FrameHeader((int) length, streamId, FrameType.of(b[8] & 0xff), b[9] & 0xff);
    }

    /** Writes the 10 header bytes into {@code b} at offset 0. */
    public void encodeInto(byte[] b) {
        putU32(b, 0, length);
        putU32(b, 4, streamId);
        b[8] = (byte) type.id();
        b[9] = (byte) flags;
    }

    public byte[] encode() {
        byte[] b = new byte[LENGTH];
        encodeInto(b);
        return b;
    }

    static TtrpcException oversized(long length) {
        return new TtrpcException(Code.RESOURCE_EXHAUSTED,
                "ttrpc frame length " + length + " exceeds the maximum of " + Frame.MAX_DATA + " bytes");
    }

    private static long u32(byte[] b, int off) {
        return ((b[off] & 0xffL) << 24) | ((b[off + 1] & 0xffL) << 16) | ((b[off + 2] & 0xffL) << 8) | (b[off + 3] & 0xffL);
    }

    private static void putU32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
