package dev.jkata.runtime.network;

import java.io.Serial;

/** The one exception of the network area; the message names the namespace, device or command. */
public final class NetworkException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    public NetworkException(String message) {
        super(message);
    }

    public NetworkException(String message, Throwable cause) {
        super(message, cause);
    }
}
