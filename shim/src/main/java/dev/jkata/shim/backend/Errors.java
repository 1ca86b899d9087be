package dev.jkata.shim.backend;

import dev.jkata.shim.ShimException;
import dev.jkata.ttrpc.Code;

/** Maps the runtime's exceptions onto the shim's one exception type. */
final class Errors {
    private Errors() {}

    static ShimException of(Code code, String message, Throwable cause) {
        ShimException.Kind kind = switch (code) {
            case INVALID_ARGUMENT, OUT_OF_RANGE -> ShimException.Kind.INVALID_ARGUMENT;
            case NOT_FOUND -> ShimException.Kind.NOT_FOUND;
            case ALREADY_EXISTS -> ShimException.Kind.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> ShimException.Kind.FAILED_PRECONDITION;
            case UNIMPLEMENTED -> ShimException.Kind.UNIMPLEMENTED;
            default -> ShimException.Kind.INTERNAL;
        };
        return new ShimException(kind, message, cause);
    }

    static ShimException invalid(String message, Throwable cause) {
        return new ShimException(ShimException.Kind.INVALID_ARGUMENT, message, cause);
    }
}
