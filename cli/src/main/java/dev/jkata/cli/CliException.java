package dev.jkata.cli;

/**
 * The one exception type of kata-runtime: the message is printed after "kata-runtime: ", the status is the
 * process exit code ({@link #USAGE} for a bad command line, which also prints the usage).
 */
public final class CliException extends Exception {
    private static final long serialVersionUID = 1L;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    private final int status;

    public CliException(int status, String message) {
        super(message);
        this.status = status;
    }

    public CliException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public static CliException usage(String message) {
        return new CliException(USAGE, message);
    }

    public int status() {
        return status;
    }
}
