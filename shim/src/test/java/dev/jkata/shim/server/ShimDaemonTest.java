package dev.jkata.shim.server;

import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.Empty;
import dev.jkata.proto.events.ttrpc.Envelope;
import dev.jkata.proto.events.ttrpc.ForwardRequest;
import dev.jkata.proto.task.*;
import dev.jkata.shim.cli.ShimFlags;
import dev.jkata.shim.task.FakeBackend;
import dev.jkata.ttrpc.Transports;
import dev.jkata.ttrpc.TtrpcClient;
import dev.jkata.ttrpc.TtrpcServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon as containerd drives it: ttrpc on its socket, events to a fake containerd, exit on Shutdown. */
class ShimDaemonTest {
    @TempDir
    Path dir;

    @Test
    void servesForwardsEventsAndExitsOnShutdown() throws Exception {
        Path socket = dir.resolve("shim.sock");
        Path events = dir.resolve("containerd.sock.ttrpc");
        List<Envelope> forwarded = new CopyOnWriteArrayList<>();
        TtrpcServer containerd = new TtrpcServer();
        containerd.register("containerd.services.events.ttrpc.v1.Events", "Forward", ForwardRequest.parser(),
                (ForwardRequest r) -> {
                    forwarded.add(r.getEnvelope());
                    return Empty.getDefaultInstance();
                });
        containerd.listenUnix(events);
        FakeBackend backend = new FakeBackend();
        ShimFlags flags = ShimFlags.parse(new String[] {"-namespace", "ns1", "-address", dir.resolve("c.sock").toString(),
                "-id", "t1", "-socket", socket.toString()});
        CompletableFuture<Integer> daemon = CompletableFuture.supplyAsync(() ->
                ShimWiring.serve(flags, dir, Map.of("TTRPC_ADDRESS", events.toString()), backend));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(socket) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Duration t = Duration.ofSeconds(10);
            String s = TaskRpc.SERVICE;
            try (TtrpcClient c = new TtrpcClient(Transports.unix(socket))) {
                c.call(s, "Create", CreateTaskRequest.newBuilder().setId("t1").setBundle(dir.toString()).build(),
                        CreateTaskResponse.parser(), t);
                c.call(s, "Start", StartRequest.newBuilder().setId("t1").build(), StartResponse.parser(), t);
                backend.exit("t1", "", 0);
                assertEquals(0, c.call(s, "Wait", WaitRequest.newBuilder().setId("t1").build(), WaitResponse.parser(), t)
                        .getExitStatus());
                c.call(s, "Delete", DeleteRequest.newBuilder().setId("t1").build(), DeleteResponse.parser(), t);
                c.call(s, "Shutdown", ShutdownRequest.newBuilder().setId("t1").build(), Empty.parser(), t);
            }
            assertEquals(0, daemon.get(20, TimeUnit.SECONDS));
            assertFalse(Files.exists(socket), "the socket is removed on exit");
            assertEquals(List.of("/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete"),
                    forwarded.stream().map(Envelope::getTopic).toList(), "events were drained before exit");
            assertTrue(forwarded.stream().allMatch(e -> e.getNamespace().equals("ns1")));
        } finally {
            containerd.close();
        }
    }
}
