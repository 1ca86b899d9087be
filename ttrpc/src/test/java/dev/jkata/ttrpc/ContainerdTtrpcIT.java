package dev.jkata.ttrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import dev.jkata.proto.events.TaskExit;
import dev.jkata.proto.events.ttrpc.Envelope;
import dev.jkata.proto.events.ttrpc.ForwardRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Wire compatibility with the real Go implementation: our client talks to containerd's own ttrpc
 * server (the events service shims publish to), and `ctr events` sees what we forwarded.
 */
class ContainerdTtrpcIT {

    private static final String EVENTS = "containerd.services.events.ttrpc.v1.Events";
    private static Path dir;
    private static ContainerdProcess containerd;
    private static Path grpcSock;
    private static Path ttrpcSock;

    @BeforeAll
    static void startContainerd() throws Exception {
        assumeTrue(ContainerdProcess.available(), "containerd and ctr are installed and we are root");
        dir = Files.createTempDirectory("jkata-ttrpc-it");
        containerd = ContainerdProcess.start(dir, java.util.Map.of());
        grpcSock = containerd.grpcSock;
        ttrpcSock = containerd.ttrpcSock;
    }

    @AfterAll
    static void stopContainerd() throws Exception {
        if (containerd != null) {
            containerd.close();
        }
        ContainerdProcess.deleteTree(dir);
    }

    private static ForwardRequest exitEvent(String namespace, String containerId, int status) {
        TaskExit exit = TaskExit.newBuilder().setContainerId(containerId).setId(containerId).setPid(4242)
                .setExitStatus(status).build();
        Instant now = Instant.now();
        return ForwardRequest.newBuilder().setEnvelope(Envelope.newBuilder()
                .setTimestamp(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setNamespace(namespace).setTopic("/tasks/exit")
                .setEvent(Any.newBuilder().setTypeUrl("containerd.events.TaskExit").setValue(exit.toByteString())))
                .build();
    }

    @Test
    void forwardedEventReachesContainerdSubscribers() throws Exception {
        Process events = new ProcessBuilder(ContainerdProcess.CTR.toString(), "-a", grpcSock.toString(), "events")
                .redirectErrorStream(true).start();
        try (TtrpcClient client = new TtrpcClient(Transports.unix(ttrpcSock))) {
            Thread.sleep(500); // let ctr subscribe
            Empty r = client.call(EVENTS, "Forward", exitEvent("jkata-it", "c-forwarded", 7), Empty.parser(),
                    Duration.ofSeconds(10));
            assertEquals(Empty.getDefaultInstance(), r);
            String line = readLineContaining(events, "c-forwarded", Duration.ofSeconds(10));
            assertTrue(line.contains("jkata-it") && line.contains("/tasks/exit"), line);
        } finally {
            events.destroy();
            events.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void goServerErrorsMapToCodes() throws Exception {
        try (TtrpcClient client = new TtrpcClient(Transports.unix(ttrpcSock))) {
            TtrpcException unknown = assertThrows(TtrpcException.class, () -> client.call(EVENTS, "Nope",
                    Empty.getDefaultInstance(), Empty.parser(), Duration.ofSeconds(10)));
            assertEquals(Code.UNIMPLEMENTED, unknown.code(), unknown.getMessage());
            TtrpcException noService = assertThrows(TtrpcException.class, () -> client.call("no.such.Service", "X",
                    Empty.getDefaultInstance(), Empty.parser(), Duration.ofSeconds(10)));
            assertEquals(Code.UNIMPLEMENTED, noService.code(), noService.getMessage());
            TtrpcException bad = assertThrows(TtrpcException.class, () -> client.call(EVENTS, "Forward",
                    exitEvent("", "c-bad", 1), Empty.parser(), Duration.ofSeconds(10)));
            assertEquals(Code.INVALID_ARGUMENT, bad.code(), bad.getMessage());
            // the connection survives errors
            client.call(EVENTS, "Forward", exitEvent("jkata-it", "c-after-errors", 0), Empty.parser(), Duration.ofSeconds(10));
        }
    }

    @Test
    void manyConcurrentCallsToAGoServer() throws Exception {
        try (TtrpcClient client = new TtrpcClient(Transports.unix(ttrpcSock));
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Empty>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = "c-many-" + i;
                calls.add(pool.submit(() -> client.call(EVENTS, "Forward", exitEvent("jkata-it", id, 0), Empty.parser(),
                        Duration.ofSeconds(20))));
            }
            for (Future<Empty> f : calls) {
                assertEquals(Empty.getDefaultInstance(), f.get(30, TimeUnit.SECONDS));
            }
        }
    }

    private static String readLineContaining(Process p, String needle, Duration timeout) throws Exception {
        var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        var result = new java.util.concurrent.CompletableFuture<String>();
        Thread t = Thread.ofPlatform().daemon(true).start(() -> {
            StringBuilder seen = new StringBuilder();
            try {
                for (String line; (line = reader.readLine()) != null; ) {
                    seen.append(line).append('\n');
                    if (line.contains(needle)) {
                        result.complete(line);
                        return;
                    }
                }
                result.completeExceptionally(new AssertionError("ctr events ended without " + needle + ":\n" + seen));
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            t.interrupt();
        }
    }
}
