package dev.jkata.runtime.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.hypervisor.AgentEndpoint;
import dev.jkata.proto.agent.CheckRequest;
import dev.jkata.proto.agent.HealthCheckResponse;
import dev.jkata.ttrpc.Code;
import dev.jkata.ttrpc.TtrpcServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentDialerBackoffTest {

    @TempDir
    Path tmp;

    /** A peer that never answers Check: a virtio-serial port the guest has not opened yet. */
    @Test
    void timedOutChecksDoubleTheNextDeadlineSoFewChecksPileUpInASilentPort() throws Exception {
        Path socket = tmp.resolve("silent.sock");
        AtomicInteger checks = new AtomicInteger();
        try (TtrpcServer silent = new TtrpcServer()) {
            silent.register("grpc.Health", "Check", CheckRequest.parser(), r -> {
                checks.incrementAndGet();
                Thread.sleep(10_000);
                return HealthCheckResponse.getDefaultInstance();
            });
            silent.listenUnix(socket);
            // 100 ms, 200, 400, 800 (= 8 x 100, the cap), then what is left of 2 s: 5 checks, not 20
            AgentException e = assertThrows(AgentException.class, () -> AgentClient.connect(
                    new AgentEndpoint.Serial(socket),
                    new AgentTimeouts(Duration.ofMillis(2000), Duration.ofMillis(100), Duration.ofSeconds(1)), null));
            assertEquals(Code.DEADLINE_EXCEEDED, e.code());
            assertTrue(checks.get() >= 3 && checks.get() <= 6, "checks: " + checks.get());
            assertTrue(e.getMessage().contains("attempts"), e.getMessage());
        }
    }

    @Test
    void anAnswerAfterSeveralTimeoutsStillEndsTheDialAtOnce() throws Exception {
        Path socket = tmp.resolve("slow.sock");
        long opens = System.nanoTime() + Duration.ofMillis(700).toNanos();
        try (TtrpcServer slow = new TtrpcServer()) {
            slow.register("grpc.Health", "Check", CheckRequest.parser(), r -> {
                long wait = opens - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                return HealthCheckResponse.newBuilder().setStatus(HealthCheckResponse.ServingStatus.SERVING).build();
            });
            slow.listenUnix(socket);
            long t0 = System.nanoTime();
            try (AgentClient c = AgentClient.connect(new AgentEndpoint.Serial(socket),
                    new AgentTimeouts(Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofSeconds(1)), null)) {
                long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
                // the check in flight when the "agent" starts answering returns at once: no wait for its deadline
                assertTrue(ms >= 600 && ms < 1500, "dial took " + ms + " ms");
                assertEquals(HealthCheckResponse.ServingStatus.SERVING, c.check().getStatus());
            }
        }
    }
}
