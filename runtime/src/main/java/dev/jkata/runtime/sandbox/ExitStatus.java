package dev.jkata.runtime.sandbox;

import java.time.Instant;
import java.util.Objects;

/**
 * How a process ended.
 *
 * @param code exit status as reported by the agent (128+n for a signal n); {@link #VM_GONE} when
 *     the VM or the agent connection went away before the agent reported it
 * @param exitedAt when the host learned of the exit
 */
public record ExitStatus(int code, Instant exitedAt) {

    /** Status reported for processes whose VM died (the same value Kata's shim uses). */
    public static final int VM_GONE = 255;

    public ExitStatus {
        Objects.requireNonNull(exitedAt, "exitedAt");
    }
}
