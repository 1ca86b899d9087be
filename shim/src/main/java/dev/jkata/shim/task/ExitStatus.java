package dev.jkata.shim.task;

import java.time.Instant;

/** How and when a process ended. */
public record ExitStatus(int code, Instant at) {
    /** Exit code reported when the VM died under a process (Kata uses 255). */
    public static final int VM_DIED = 255;
}
