package dev.jkata.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.hypervisor.HypervisorException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QmpClientTest {

    private static final Duration T = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    /** Behaves like QEMU for the commands the driver uses. */
    static List<String> qemuLike(String req) {
        if (req.contains("\"qmp_capabilities\"")) {
            return List.of(FakeQmpServer.ok(req, "{}"));
        }
        if (req.contains("\"query-status\"")) {
            return List.of(FakeQmpServer.ok(req, "{\"status\": \"running\", \"singlestep\": false, \"running\": true}"));
        }
        if (req.contains("\"stop\"")) {
            return List.of("{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 250}, \"event\": \"STOP\"}",
                    FakeQmpServer.ok(req, "{}"));
        }
        if (req.contains("\"quit\"")) {
            return List.of(FakeQmpServer.ok(req, "{}"), "<close>");
        }
        return List.of("{\"id\": \"" + FakeQmpServer.id(req) + "\", \"error\": {\"class\": \"CommandNotFound\","
                + " \"desc\": \"The command nope has not been found\"}}");
    }

    @Test
    void negotiatesCapabilitiesAndRunsCommands() throws Exception {
        Path sock = tmp.resolve("qmp.sock");
        try (FakeQmpServer server = new FakeQmpServer(sock, QmpClientTest::qemuLike);
                QmpClient qmp = QmpClient.connect(sock, T)) {
            assertEquals(7, qmp.greeting().path("QMP").path("version").path("qemu").path("major").asInt());
            assertTrue(server.received.getFirst().contains("\"execute\":\"qmp_capabilities\""), server.received.toString());
            assertEquals("running", qmp.queryStatus(T));
        }
    }

    @Test
    void deliversEventsToListeners() throws Exception {
        Path sock = tmp.resolve("qmp.sock");
        try (FakeQmpServer server = new FakeQmpServer(sock, QmpClientTest::qemuLike);
                QmpClient qmp = QmpClient.connect(sock, T)) {
            LinkedBlockingQueue<QmpEvent> events = new LinkedBlockingQueue<>();
            qmp.addEventListener(events::add);
            qmp.execute("stop", Map.of(), T);
            QmpEvent e = events.poll(5, TimeUnit.SECONDS);
            assertEquals("STOP", e.name());
            assertEquals(1_700_000_000_000_250L, e.timestampMicros());
            assertTrue(e.data().isObject());
        }
    }

    @Test
    void errorReplyBecomesExceptionNamingCommandAndClass() throws Exception {
        Path sock = tmp.resolve("qmp.sock");
        try (FakeQmpServer server = new FakeQmpServer(sock, QmpClientTest::qemuLike);
                QmpClient qmp = QmpClient.connect(sock, T)) {
            HypervisorException e = assertThrows(HypervisorException.class,
                    () -> qmp.execute("nope", Map.of("x", 1), T));
            assertEquals("QMP nope failed: CommandNotFound: The command nope has not been found", e.getMessage());
            assertTrue(server.received.getLast().contains("\"arguments\":{\"x\":1}"), server.received.getLast());
            assertEquals("running", qmp.queryStatus(T), "connection still usable after an error");
        }
    }

    @Test
    void closedConnectionFailsPendingAndLaterCommands() throws Exception {
        Path sock = tmp.resolve("qmp.sock");
        try (FakeQmpServer server = new FakeQmpServer(sock, QmpClientTest::qemuLike);
                QmpClient qmp = QmpClient.connect(sock, T)) {
            qmp.execute("quit", Map.of(), T);
            qmp.closed().get(5, TimeUnit.SECONDS);
            HypervisorException e = assertThrows(HypervisorException.class, () -> qmp.queryStatus(T));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }

    @Test
    void silentServerTimesOut() throws Exception {
        Path sock = tmp.resolve("qmp.sock");
        try (FakeQmpServer server = new FakeQmpServer(sock, req -> req.contains("qmp_capabilities")
                ? List.of(FakeQmpServer.ok(req, "{}")) : List.of());
                QmpClient qmp = QmpClient.connect(sock, T)) {
            HypervisorException e = assertThrows(HypervisorException.class,
                    () -> qmp.execute("query-status", Map.of(), Duration.ofMillis(200)));
            assertEquals("QMP query-status: no answer within 200 ms", e.getMessage());
        }
    }

    @Test
    void missingSocketNamesThePath() {
        Path sock = tmp.resolve("absent.sock");
        HypervisorException e = assertThrows(HypervisorException.class, () -> QmpClient.connect(sock, T));
        assertTrue(e.getMessage().contains(sock.toString()), e.getMessage());
    }
}
