package dev.jkata.tests.cri;

import com.google.protobuf.Message;
import dev.jkata.tests.cri.api.Cri;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A CRI v1 client over containerd's unix socket (gRPC, no generated stubs: one hand-made
 * {@link MethodDescriptor} per call over the messages protoc generated from {@code cri_api.proto}).
 * Every call has a deadline; a failing call throws {@link CriException} naming the method.
 */
public final class CriClient implements AutoCloseable {
    static final String RUNTIME = "runtime.v1.RuntimeService";
    static final String IMAGES = "runtime.v1.ImageService";

    private final EventLoopGroup loop;
    private final ManagedChannel channel;

    public CriClient(Path socket) {
        this.loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .eventLoopGroup(loop)
                .channelType(EpollDomainSocketChannel.class)
                .usePlaintext()
                .maxInboundMessageSize(32 << 20)
                .build();
    }

    public Cri.VersionResponse version() {
        return call(RUNTIME, "Version", Cri.VersionRequest.newBuilder().setVersion("v1").build(),
                Cri.VersionResponse.getDefaultInstance(), Duration.ofSeconds(30));
    }

    /** Runs a pod sandbox with {@code handler} (containerd's runtime name) and returns its id. */
    public String runPodSandbox(Cri.PodSandboxConfig config, String handler, Duration timeout) {
        return call(RUNTIME, "RunPodSandbox",
                Cri.RunPodSandboxRequest.newBuilder().setConfig(config).setRuntimeHandler(handler).build(),
                Cri.RunPodSandboxResponse.getDefaultInstance(), timeout).getPodSandboxId();
    }

    public void stopPodSandbox(String id, Duration timeout) {
        call(RUNTIME, "StopPodSandbox", Cri.StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build(),
                Cri.StopPodSandboxResponse.getDefaultInstance(), timeout);
    }

    public void removePodSandbox(String id, Duration timeout) {
        call(RUNTIME, "RemovePodSandbox", Cri.RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build(),
                Cri.RemovePodSandboxResponse.getDefaultInstance(), timeout);
    }

    public Cri.PodSandboxStatusResponse podSandboxStatus(String id, boolean verbose) {
        return call(RUNTIME, "PodSandboxStatus",
                Cri.PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).setVerbose(verbose).build(),
                Cri.PodSandboxStatusResponse.getDefaultInstance(), Duration.ofSeconds(60));
    }

    /** Every pod sandbox containerd's CRI knows. */
    public List<Cri.PodSandbox> listPodSandboxes() {
        return call(RUNTIME, "ListPodSandbox", Cri.ListPodSandboxRequest.getDefaultInstance(),
                Cri.ListPodSandboxResponse.getDefaultInstance(), Duration.ofSeconds(60)).getItemsList();
    }

    /** Creates a container in sandbox {@code podId}; {@code podConfig} is the sandbox's own config. */
    public String createContainer(String podId, Cri.ContainerConfig config, Cri.PodSandboxConfig podConfig,
            Duration timeout) {
        return call(RUNTIME, "CreateContainer", Cri.CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                        .setConfig(config).setSandboxConfig(podConfig).build(),
                Cri.CreateContainerResponse.getDefaultInstance(), timeout).getContainerId();
    }

    public void startContainer(String id, Duration timeout) {
        call(RUNTIME, "StartContainer", Cri.StartContainerRequest.newBuilder().setContainerId(id).build(),
                Cri.StartContainerResponse.getDefaultInstance(), timeout);
    }

    /** Stops a container, killing it after {@code graceSeconds}. */
    public void stopContainer(String id, long graceSeconds, Duration timeout) {
        call(RUNTIME, "StopContainer",
                Cri.StopContainerRequest.newBuilder().setContainerId(id).setTimeout(graceSeconds).build(),
                Cri.StopContainerResponse.getDefaultInstance(), timeout);
    }

    public void removeContainer(String id, Duration timeout) {
        call(RUNTIME, "RemoveContainer", Cri.RemoveContainerRequest.newBuilder().setContainerId(id).build(),
                Cri.RemoveContainerResponse.getDefaultInstance(), timeout);
    }

    public Cri.ContainerStatus containerStatus(String id) {
        return call(RUNTIME, "ContainerStatus", Cri.ContainerStatusRequest.newBuilder().setContainerId(id).build(),
                Cri.ContainerStatusResponse.getDefaultInstance(), Duration.ofSeconds(60)).getStatus();
    }

    /** The containers of sandbox {@code podId} (all of them when empty). */
    public List<Cri.Container> listContainers(String podId) {
        Cri.ContainerFilter.Builder filter = Cri.ContainerFilter.newBuilder();
        if (!podId.isEmpty()) {
            filter.setPodSandboxId(podId);
        }
        return call(RUNTIME, "ListContainers", Cri.ListContainersRequest.newBuilder().setFilter(filter).build(),
                Cri.ListContainersResponse.getDefaultInstance(), Duration.ofSeconds(60)).getContainersList();
    }

    /** What a synchronous exec printed and how it ended. */
    public record Exec(int exit, String out, String err) {
        public String describe() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    /** Runs {@code cmd} in container {@code id}; containerd kills it after {@code timeoutSeconds}. */
    public Exec execSync(String id, long timeoutSeconds, String... cmd) {
        Cri.ExecSyncResponse r = call(RUNTIME, "ExecSync", Cri.ExecSyncRequest.newBuilder().setContainerId(id)
                        .addAllCmd(List.of(cmd)).setTimeout(timeoutSeconds).build(),
                Cri.ExecSyncResponse.getDefaultInstance(), Duration.ofSeconds(timeoutSeconds + 30));
        return new Exec(r.getExitCode(), r.getStdout().toStringUtf8(), r.getStderr().toStringUtf8());
    }

    /** The image as CRI sees it; a response without an image when CRI does not know it. */
    public Cri.ImageStatusResponse imageStatus(String image) {
        return call(IMAGES, "ImageStatus", Cri.ImageStatusRequest.newBuilder()
                        .setImage(Cri.ImageSpec.newBuilder().setImage(image)).build(),
                Cri.ImageStatusResponse.getDefaultInstance(), Duration.ofSeconds(30));
    }

    private <Q extends Message, R extends Message> R call(String service, String method, Q request, R responseType,
            Duration timeout) {
        @SuppressWarnings("unchecked")
        MethodDescriptor<Q, R> descriptor = MethodDescriptor.<Q, R>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(service, method))
                .setRequestMarshaller(ProtoUtils.marshaller((Q) request.getDefaultInstanceForType()))
                .setResponseMarshaller(ProtoUtils.marshaller(responseType))
                .build();
        try {
            return ClientCalls.blockingUnaryCall(channel, descriptor,
                    CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS), request);
        } catch (StatusRuntimeException e) {
            throw new CriException("CRI " + service + "/" + method + " failed: " + e.getStatus().getCode() + ": "
                    + e.getStatus().getDescription(), e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(10, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
}
