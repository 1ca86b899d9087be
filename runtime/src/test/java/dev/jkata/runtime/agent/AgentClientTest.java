package dev.jkata.runtime.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Empty;
import dev.jkata.hypervisor.AgentEndpoint;
import dev.jkata.proto.agent.CheckRequest;
import dev.jkata.proto.agent.HealthCheckResponse;
import dev.jkata.proto.agent.StartContainerRequest;
import dev.jkata.proto.agent.WaitProcessRequest;
import dev.jkata.proto.agent.WaitProcessResponse;
import dev.jkata.ttrpc.Code;
import dev.jkata.ttrpc.TtrpcException;
import dev.jkata.ttrpc.TtrpcServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentClientTest {

    @TempDir
    Path tmp;

    private static TtrpcServer agent() {
        TtrpcServer server = new TtrpcServer();
        server.register("grpc.Health", "Check", CheckRequest.parser(),
                r -> HealthCheckResponse.newBuilder().setStatus(HealthCheckResponse.ServingStatus.SERVING).build());
        server.register("grpc.AgentService", "StartContainer", StartContainerRequest.parser(), r -> {
            if (r.getContainerId().equals("missing")) {
                throw new TtrpcException(Code.NOT_FOUND, "container missing not found");
            }
            return Empty.getDefaultInstance();
        });
        server.register("grpc.AgentService", "WaitProcess", WaitProcessRequest.parser(),
                r -> WaitProcessResponse.newBuilder().setStatus(42).build());
        return server;
    }

    @Test
    void dialRetriesUntilTheAgentListensThenMapsErrors() throws Exception {
        Path socket = tmp.resolve("agent.sock");
        TtrpcServer server = agent();
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(700);
                server.listenUnix(socket);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long t0 = System.nanoTime();
        try (AgentClient client = AgentClient.connect(new AgentEndpoint.Serial(socket),
                new AgentTimeouts(Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofSeconds(5)), null)) {
            assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(600).toNanos());
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, client.check().getStatus());
            assertEquals(42, client.waitProcess("c1", "c1"));
            client.startContainer("c1");
            AgentException e = assertThrows(AgentException.class, () -> client.startContainer("missing"));
            assertEquals(Code.NOT_FOUND, e.code());
            assertTrue(e.getMessage().startsWith("agent StartContainer(missing): NOT_FOUND:"), e.getMessage());
            AgentException unimplemented = assertThrows(AgentException.class, () -> client.pauseContainer("c1"));
            assertEquals(Code.UNIMPLEMENTED, unimplemented.code());
        } finally {
            server.close();
        }
    }

    @Test
    void dialGivesUpAfterTheDialTimeoutNamingTheEndpoint() {
        Path socket = tmp.resolve("nobody.sock");
        long t0 = System.nanoTime();
        AgentException e = assertThrows(AgentException.class, () -> AgentClient.connect(
                new AgentEndpoint.Serial(socket),
                new AgentTimeouts(Duration.ofMillis(800), Duration.ofMillis(200), Duration.ofSeconds(1)), null));
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertTrue(ms >= 700 && ms < 5000, "took " + ms + " ms");
        assertEquals(Code.DEADLINE_EXCEEDED, e.code());
        assertTrue(e.getMessage().contains("serial:" + socket), e.getMessage());
        assertTrue(e.getMessage().contains("connect:"), e.getMessage());
    }
}
