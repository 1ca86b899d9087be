package dev.jkata.runtime.sandbox;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import dev.jkata.proto.agent.CheckRequest;
import dev.jkata.proto.agent.CloseStdinRequest;
import dev.jkata.proto.agent.CreateContainerRequest;
import dev.jkata.proto.agent.CreateSandboxRequest;
import dev.jkata.proto.agent.DestroySandboxRequest;
import dev.jkata.proto.agent.ExecProcessRequest;
import dev.jkata.proto.agent.HealthCheckResponse;
import dev.jkata.proto.agent.PauseContainerRequest;
import dev.jkata.proto.agent.ReadStreamRequest;
import dev.jkata.proto.agent.ReadStreamResponse;
import dev.jkata.proto.agent.RemoveContainerRequest;
import dev.jkata.proto.agent.ResumeContainerRequest;
import dev.jkata.proto.agent.SignalProcessRequest;
import dev.jkata.proto.agent.StartContainerRequest;
import dev.jkata.proto.agent.WaitProcessRequest;
import dev.jkata.proto.agent.WaitProcessResponse;
import dev.jkata.proto.agent.WriteStreamRequest;
import dev.jkata.proto.agent.WriteStreamResponse;
import dev.jkata.ttrpc.Code;
import dev.jkata.ttrpc.TtrpcException;
import dev.jkata.ttrpc.TtrpcServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/** A kata agent that answers from canned data, served over ttrpc on a unix socket. */
final class FakeAgent implements AutoCloseable {

    private static final String AGENT = "grpc.AgentService";
    private static final ByteString EOF = ByteString.copyFromUtf8("\u0000EOF");

    final TtrpcServer server = new TtrpcServer();
    /** Every request received, in order. */
    final List<Message> requests = new CopyOnWriteArrayList<>();
    final Map<String, CompletableFuture<Integer>> exits = new ConcurrentHashMap<>();
    final Map<String, BlockingQueue<ByteString>> stdout = new ConcurrentHashMap<>();
    final ByteArrayOutputStream stdin = new ByteArrayOutputStream();
    volatile TtrpcException failCreateContainer;

    FakeAgent(Path socket) throws IOException {
        server.register("grpc.Health", "Check", CheckRequest.parser(),
                r -> HealthCheckResponse.newBuilder().setStatus(HealthCheckResponse.ServingStatus.SERVING).build());
        empty("CreateSandbox", CreateSandboxRequest.parser());
        empty("DestroySandbox", DestroySandboxRequest.parser());
        server.register(AGENT, "CreateContainer", CreateContainerRequest.parser(), r -> {
            requests.add(r);
            if (failCreateContainer != null) {
                throw failCreateContainer;
            }
            return Empty.getDefaultInstance();
        });
        empty("StartContainer", StartContainerRequest.parser());
        empty("ExecProcess", ExecProcessRequest.parser());
        empty("SignalProcess", SignalProcessRequest.parser());
        empty("RemoveContainer", RemoveContainerRequest.parser());
        empty("PauseContainer", PauseContainerRequest.parser());
        empty("ResumeContainer", ResumeContainerRequest.parser());
        empty("CloseStdin", CloseStdinRequest.parser());
        server.register(AGENT, "WaitProcess", WaitProcessRequest.parser(), r -> {
            requests.add(r);
            int status = exit(r.getContainerId(), r.getExecId()).get();
            return WaitProcessResponse.newBuilder().setStatus(status).build();
        });
        server.register(AGENT, "ReadStdout", ReadStreamRequest.parser(), r -> {
            ByteString chunk = out(r.getContainerId(), r.getExecId()).take();
            if (chunk.equals(EOF)) {
                throw new TtrpcException(Code.INTERNAL, "stdout of " + r.getExecId() + " closed");
            }
            return ReadStreamResponse.newBuilder().setData(chunk).build();
        });
        server.register(AGENT, "WriteStdin", WriteStreamRequest.parser(), r -> {
            synchronized (stdin) {
                stdin.write(r.getData().toByteArray());
            }
            return WriteStreamResponse.newBuilder().setLen(r.getData().size()).build();
        });
        server.listenUnix(socket);
    }

    private <R extends Message> void empty(String method, com.google.protobuf.Parser<R> parser) {
        server.register(AGENT, method, parser, r -> {
            requests.add(r);
            return Empty.getDefaultInstance();
        });
    }

    CompletableFuture<Integer> exit(String cid, String eid) {
        return exits.computeIfAbsent(cid + "/" + eid, k -> new CompletableFuture<>());
    }

    BlockingQueue<ByteString> out(String cid, String eid) {
        return stdout.computeIfAbsent(cid + "/" + eid, k -> new LinkedBlockingQueue<>());
    }

    void writeStdout(String cid, String eid, String text) {
        out(cid, eid).add(ByteString.copyFromUtf8(text));
    }

    void closeStdout(String cid, String eid) {
        out(cid, eid).add(EOF);
    }

    <T extends Message> List<T> received(Class<T> type) {
        return requests.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public void close() {
        exits.values().forEach(f -> f.complete(137));
        server.close();
    }
}
