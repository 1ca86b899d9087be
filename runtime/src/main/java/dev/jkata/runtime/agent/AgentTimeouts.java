package dev.jkata.runtime.agent;

import java.time.Duration;
import java.util.Objects;

/**
 * Deadlines of agent calls.
 *
 * @param dial how long to keep trying to reach the agent after the VM started (Kata's
 *     {@code [agent.kata] dial_timeout}); the guest boots for several seconds under TCG
 * @param checkTry deadline of one Health.Check attempt while dialing
 * @param request deadline of an ordinary RPC (WaitProcess, ReadStdout/ReadStderr and GetOOMEvent
 *     have none: they block until something happens)
 */
public record AgentTimeouts(Duration dial, Duration checkTry, Duration request) {

    /** Upstream Kata's default dial timeout, a 1 s check attempt and a 60 s request deadline. */
    public static final AgentTimeouts DEFAULT =
            new AgentTimeouts(Duration.ofSeconds(45), Duration.ofSeconds(1), Duration.ofSeconds(60));

    public AgentTimeouts {
        Objects.requireNonNull(dial, "dial");
        Objects.requireNonNull(checkTry, "checkTry");
        Objects.requireNonNull(request, "request");
        if (dial.isNegative() || dial.isZero()) {
            throw new IllegalArgumentException("agent dial timeout: expected a positive duration, got " + dial);
        }
        if (checkTry.isNegative() || checkTry.isZero()) {
            throw new IllegalArgumentException("agent check timeout: expected a positive duration, got " + checkTry);
        }
        if (request.isNegative() || request.isZero()) {
            throw new IllegalArgumentException("agent request timeout: expected a positive duration, got " + request);
        }
    }

    /** The defaults with another dial timeout. */
    public static AgentTimeouts withDial(Duration dial) {
        return new AgentTimeouts(dial, DEFAULT.checkTry(), DEFAULT.request());
    }
}
