package dev.jkata.ttrpc;

/** The message type byte of a ttrpc frame header (byte 8). */
public enum FrameType {
    REQUEST(1),
    RESPONSE(2),
    DATA(3);

    private final int id;

    FrameType(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** The type for a header byte; an unknown byte is a garbled frame. */
    public static FrameType of(int id) {
        return switch (id) {
            case 1 -> REQUEST;
            case 2 -> RESPONSE;
            case 3 -> DATA;
            default -> throw new TtrpcException(Code.INVALID_ARGUMENT,
                    "unknown ttrpc frame type " + id + ", expected 1 (request), 2 (response) or 3 (data)");
        };
    }
}
