package dev.jkata.shim.server;

import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import dev.jkata.proto.containerd.task.Status;
import dev.jkata.proto.runtimeoptions.Options;
import dev.jkata.proto.task.*;
import dev.jkata.shim.task.ContainerRequest;
import dev.jkata.shim.task.FakeBackend;
import dev.jkata.shim.task.NullStdio;
import dev.jkata.shim.task.RecordingSink;
import dev.jkata.shim.task.SandboxFactory;
import dev.jkata.shim.task.TaskService;
import dev.jkata.ttrpc.Code;
import dev.jkata.ttrpc.Transports;
import dev.jkata.ttrpc.TtrpcClient;
import dev.jkata.ttrpc.TtrpcException;
import dev.jkata.ttrpc.TtrpcServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskRpcTest {
    static final String S = TaskRpc.SERVICE;
    static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    final FakeBackend backend = new FakeBackend();
    final AtomicReference<ContainerRequest> created = new AtomicReference<>();
    final CountDownLatch shutdown = new CountDownLatch(1);
    TtrpcServer server;
    TtrpcClient client;

    @BeforeEach
    void setUp() throws Exception {
        SandboxFactory factory = r -> {
            created.set(r);
            return backend.createSandbox(r);
        };
        TaskService tasks = new TaskService(factory, new RecordingSink(), new NullStdio(), Clock.systemUTC(), Duration.ofSeconds(1));
        server = new TtrpcServer();
        new TaskRpc(tasks, Map.of("KATA_CONF_FILE", "/env/kata.toml"), shutdown::countDown).register(server);
        Path sock = dir.resolve("shim.sock");
        server.listenUnix(sock);
        client = new TtrpcClient(Transports.unix(sock));
    }

    @AfterEach
    void tearDown() {
        client.close();
        server.close();
    }

    @Test
    void fullTaskLifecycleOverTtrpc() throws Exception {
        Any options = Any.newBuilder().setTypeUrl("runtimeoptions.v1.Options")
                .setValue(Options.newBuilder().setConfigPath("/opt/c.toml").build().toByteString()).build();
        CreateTaskResponse c = client.call(S, "Create", CreateTaskRequest.newBuilder().setId("t1").setBundle("/b/t1")
                .setStdout("/fifo/out").setOptions(options).build(), CreateTaskResponse.parser(), T);
        assertTrue(c.getPid() > 0);
        assertEquals(Path.of("/opt/c.toml"), created.get().configPath().orElseThrow(), "options beat KATA_CONF_FILE");
        StateResponse st = client.call(S, "State", StateRequest.newBuilder().setId("t1").build(), StateResponse.parser(), T);
        assertEquals(Status.CREATED, st.getStatus());
        assertEquals("/b/t1", st.getBundle());
        assertEquals("/fifo/out", st.getStdout());
        int pid = client.call(S, "Start", StartRequest.newBuilder().setId("t1").build(), StartResponse.parser(), T).getPid();
        assertTrue(pid > 0);
        ConnectResponse conn = client.call(S, "Connect", ConnectRequest.newBuilder().setId("t1").build(), ConnectResponse.parser(), T);
        assertEquals(ProcessHandle.current().pid(), conn.getShimPid());
        assertEquals(pid, conn.getTaskPid());
        CompletableFuture<WaitResponse> wait = CompletableFuture.supplyAsync(() ->
                client.call(S, "Wait", WaitRequest.newBuilder().setId("t1").build(), WaitResponse.parser(), Duration.ofSeconds(30)));
        Thread.sleep(100);
        assertFalse(wait.isDone());
        client.call(S, "Kill", KillRequest.newBuilder().setId("t1").setSignal(15).build(), Empty.parser(), T);
        assertEquals(143, wait.get(10, TimeUnit.SECONDS).getExitStatus());
        st = client.call(S, "State", StateRequest.newBuilder().setId("t1").build(), StateResponse.parser(), T);
        assertEquals(Status.STOPPED, st.getStatus());
        assertEquals(143, st.getExitStatus());
        DeleteResponse d = client.call(S, "Delete", DeleteRequest.newBuilder().setId("t1").build(), DeleteResponse.parser(), T);
        assertEquals(143, d.getExitStatus());
        client.call(S, "Shutdown", ShutdownRequest.newBuilder().setId("t1").build(), Empty.parser(), T);
        assertTrue(shutdown.await(5, TimeUnit.SECONDS));
    }

    @Test
    void errorsCarryTheirCodes() {
        TtrpcException e = assertThrows(TtrpcException.class, () ->
                client.call(S, "State", StateRequest.newBuilder().setId("nope").build(), StateResponse.parser(), T));
        assertEquals(Code.NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("container nope not found"), e.getMessage());
        e = assertThrows(TtrpcException.class, () -> client.call(S, "Checkpoint",
                CheckpointTaskRequest.newBuilder().setId("x").build(), Empty.parser(), T));
        assertEquals(Code.UNIMPLEMENTED, e.code());
        client.call(S, "Create", CreateTaskRequest.newBuilder().setId("t2").setBundle("/b").build(), CreateTaskResponse.parser(), T);
        assertEquals(Path.of("/env/kata.toml"), created.get().configPath().orElseThrow(), "KATA_CONF_FILE without options");
        e = assertThrows(TtrpcException.class, () ->
                client.call(S, "Pause", PauseRequest.newBuilder().setId("t2").build(), Empty.parser(), T));
        assertEquals(Code.FAILED_PRECONDITION, e.code());
        e = assertThrows(TtrpcException.class, () ->
                client.call(S, "Create", CreateTaskRequest.newBuilder().setId("t2").setBundle("/b").build(), CreateTaskResponse.parser(), T));
        assertEquals(Code.ALREADY_EXISTS, e.code());
        client.call(S, "Shutdown", ShutdownRequest.newBuilder().setId("t2").build(), Empty.parser(), T);
        assertEquals(1, shutdown.getCount(), "no shutdown while a container remains");
    }
}
