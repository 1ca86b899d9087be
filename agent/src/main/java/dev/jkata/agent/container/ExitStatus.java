package dev.jkata.agent.container;

/**
 * Exit statuses as the host expects them (like runc and crun report them): n for exit(n),
 * 128 + signal for a process killed by a signal.
 */
public final class ExitStatus {

    private ExitStatus() {
    }

    /**
     * The status of a foreground {@code run}/{@code exec}: the runtime already exits with
     * n or 128 + signal. Java reports a runtime that was itself killed by a signal as
     * 128 + signal too, which is also the right answer.
     */
    public static int fromRuntime(int processExitValue) {
        return processExitValue & 0xff;
    }

    /** The status for a raw wait(2) status word. */
    public static int fromWaitStatus(int status) {
        int signal = status & 0x7f;
        if (signal == 0) {
            return (status >> 8) & 0xff;
        }
        return 128 + signal;
    }
}
