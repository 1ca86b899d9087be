package dev.jkata.shim;

/** The one exception type of the shim; {@link Kind} says how it maps to a ttrpc status. */
public final class ShimException extends RuntimeException {
    /** Error classes, mapped to google.rpc codes by the ttrpc front end. */
    public enum Kind { INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, UNIMPLEMENTED, INTERNAL }

    private final Kind kind;

    public ShimException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ShimException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static ShimException notFound(String message) {
        return new ShimException(Kind.NOT_FOUND, message);
    }

    public static ShimException invalid(String message) {
        return new ShimException(Kind.INVALID_ARGUMENT, message);
    }

    public static ShimException precondition(String message) {
        return new ShimException(Kind.FAILED_PRECONDITION, message);
    }
}
