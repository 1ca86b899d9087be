package dev.jkata.agent;

import dev.jkata.ttrpc.Code;

/**
 * The one exception of the agent: a request the agent refuses or could not carry out. The code
 * becomes the ttrpc status the host sees; the message names the input that was wrong.
 */
public final class AgentException extends RuntimeException {

    private final Code code;

    public AgentException(Code code, String message) {
        this(code, message, null);
    }

    public AgentException(Code code, String message, Throwable cause) {
        super(message, cause);
        if (code == null || code == Code.OK) {
            throw new IllegalArgumentException("an AgentException needs a non-OK code, got " + code);
        }
        this.code = code;
    }

    public Code code() {
        return code;
    }

    public static AgentException notFound(String message) {
        return new AgentException(Code.NOT_FOUND, message);
    }

    public static AgentException invalid(String message) {
        return new AgentException(Code.INVALID_ARGUMENT, message);
    }

    public static AgentException exists(String message) {
        return new AgentException(Code.ALREADY_EXISTS, message);
    }

    public static AgentException precondition(String message) {
        return new AgentException(Code.FAILED_PRECONDITION, message);
    }

    public static AgentException internal(String message, Throwable cause) {
        return new AgentException(Code.INTERNAL, message, cause);
    }
}
