package dev.jkata.ttrpc;

import dev.jkata.proto.rpc.Status;

/**
 * The one exception of the ttrpc area: a failed call, a status a handler wants to return, or a
 * broken frame. Carries a {@link Code}; the message is the status message sent on the wire.
 */
public final class TtrpcException extends RuntimeException {

    private final Code code;

    public TtrpcException(Code code, String message) {
        this(code, message, null);
    }

    public TtrpcException(Code code, String message, Throwable cause) {
        super(message, cause);
        if (code == null || code == Code.OK) {
            throw new IllegalArgumentException("a TtrpcException needs a non-OK code, got " + code);
        }
        this.code = code;
    }

    public Code code() {
        return code;
    }

    /** The google.rpc.Status to put in a Response. */
    public Status toStatus() {
        String message = getMessage();
        return Status.newBuilder().setCode(code.value()).setMessage(message == null ? "" : message).build();
    }

    /** The exception for a non-OK status received from a peer. */
    public static TtrpcException fromStatus(Status status) {
        Code code = Code.of(status.getCode());
        return new TtrpcException(code == Code.OK ? Code.UNKNOWN : code, status.getMessage());
    }

    @Override
    public String toString() {
        return "TtrpcException[" + code + "]: " + getMessage();
    }
}
