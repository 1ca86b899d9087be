package dev.jkata.runtime.state;

import java.io.Serial;

/** The one exception of the persisted-state area. The message names the file and the problem. */
public final class StateException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    public StateException(String message) {
        super(message);
    }

    public StateException(String message, Throwable cause) {
        super(message, cause);
    }
}
