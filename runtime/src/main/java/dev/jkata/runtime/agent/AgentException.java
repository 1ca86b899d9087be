package dev.jkata.runtime.agent;

import dev.jkata.ttrpc.Code;
import java.io.Serial;

/**
 * The one exception of the agent client: a failed agent RPC or a failed dial. Carries the ttrpc
 * status {@link Code} (the agent's, DEADLINE_EXCEEDED for a timeout, UNAVAILABLE when the
 * connection or the VM is gone).
 */
public final class AgentException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    private final Code code;

    public AgentException(Code code, String message) {
        this(code, message, null);
    }

    public AgentException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code == null ? Code.UNKNOWN : code;
    }

    /** The status code; never OK. */
    public Code code() {
        return code;
    }
}
