package dev.jkata.runtime.sandbox;

import dev.jkata.ttrpc.Code;
import java.io.Serial;

/**
 * The one exception of the sandbox area. {@link #code()} classifies it for front ends (NOT_FOUND,
 * ALREADY_EXISTS, INVALID_ARGUMENT, FAILED_PRECONDITION, UNAVAILABLE, DEADLINE_EXCEEDED,
 * INTERNAL, …); the message names the sandbox or container and the step that failed.
 */
public final class SandboxException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    private final Code code;

    public SandboxException(Code code, String message) {
        this(code, message, null);
    }

    public SandboxException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code == null || code == Code.OK ? Code.INTERNAL : code;
    }

    public Code code() {
        return code;
    }
}
