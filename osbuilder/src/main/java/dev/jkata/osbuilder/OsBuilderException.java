package dev.jkata.osbuilder;

/** The one exception type of the guest builder: the message names the input that was wrong. */
public final class OsBuilderException extends RuntimeException {
    public OsBuilderException(String message) {
        super(message);
    }

    public OsBuilderException(String message, Throwable cause) {
        super(message, cause);
    }
}
