package dev.jkata.tests.cri;

/** A CRI call that failed: names the method and carries the gRPC status text. */
public final class CriException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CriException(String message, Throwable cause) {
        super(message, cause);
    }
}
