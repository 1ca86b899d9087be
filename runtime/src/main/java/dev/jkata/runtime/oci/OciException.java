package dev.jkata.runtime.oci;

import java.io.Serial;

/** The one exception of the OCI bundle area: the message names the file and the JSON location. */
public final class OciException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    public OciException(String message) {
        super(message);
    }

    public OciException(String message, Throwable cause) {
        super(message, cause);
    }
}
