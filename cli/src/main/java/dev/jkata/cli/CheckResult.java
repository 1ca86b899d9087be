package dev.jkata.cli;

import java.util.List;

/**
 * One line of {@code kata-runtime check}.
 *
 * @param status  PASS, WARN (works, with a cost) or FAIL (a container cannot run)
 * @param subject what was checked
 * @param reason  what was found, and for WARN/FAIL why it matters
 * @param fix     how to fix it (WARN/FAIL), else empty
 * @param details more facts, printed with --verbose
 */
public record CheckResult(Status status, String subject, String reason, String fix, List<String> details) {
    public enum Status { PASS, WARN, FAIL }

    public CheckResult {
        details = List.copyOf(details);
    }

    static CheckResult pass(String subject, String reason, String... details) {
        return new CheckResult(Status.PASS, subject, reason, "", List.of(details));
    }

    static CheckResult warn(String subject, String reason, String fix) {
        return new CheckResult(Status.WARN, subject, reason, fix, List.of());
    }

    static CheckResult fail(String subject, String reason, String fix) {
        return new CheckResult(Status.FAIL, subject, reason, fix, List.of());
    }
}
