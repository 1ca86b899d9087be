package dev.jkata.hypervisor;

import java.io.Serial;

/** The one exception of the hypervisor area. The message names the input or the step that failed. */
public final class HypervisorException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    public HypervisorException(String message) {
        super(message);
    }

    public HypervisorException(String message, Throwable cause) {
        super(message, cause);
    }
}
