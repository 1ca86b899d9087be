package dev.jkata.deploy;

/** The one exception type of kata-deploy: the message names the file or input and what was expected. */
public final class DeployException extends Exception {
    private static final long serialVersionUID = 1L;

    public DeployException(String message) {
        super(message);
    }

    public DeployException(String message, Throwable cause) {
        super(message, cause);
    }
}
