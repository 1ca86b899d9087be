package dev.jkata.runtime.agent;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.jkata.hypervisor.AgentEndpoint;
import dev.jkata.hypervisor.VirtualMachine;
import dev.jkata.proto.agent.AddARPNeighborsRequest;
import dev.jkata.proto.agent.CheckRequest;
import dev.jkata.proto.agent.CloseStdinRequest;
import dev.jkata.proto.agent.CopyFileRequest;
import dev.jkata.proto.agent.CreateContainerRequest;
import dev.jkata.proto.agent.CreateSandboxRequest;
import dev.jkata.proto.agent.DestroySandboxRequest;
import dev.jkata.proto.agent.ExecProcessRequest;
import dev.jkata.proto.agent.GetMetricsRequest;
import dev.jkata.proto.agent.GetOOMEventRequest;
import dev.jkata.proto.agent.GuestDetailsRequest;
import dev.jkata.proto.agent.GuestDetailsResponse;
import dev.jkata.proto.agent.HealthCheckResponse;
import dev.jkata.proto.agent.Interfaces;
import dev.jkata.proto.agent.LinuxResources;
import dev.jkata.proto.agent.ListInterfacesRequest;
import dev.jkata.proto.agent.ListRoutesRequest;
import dev.jkata.proto.agent.Metrics;
import dev.jkata.proto.agent.OOMEvent;
import dev.jkata.proto.agent.OnlineCPUMemRequest;
import dev.jkata.proto.agent.PauseContainerRequest;
import dev.jkata.proto.agent.ReadStreamRequest;
import dev.jkata.proto.agent.ReadStreamResponse;
import dev.jkata.proto.agent.RemoveContainerRequest;
import dev.jkata.proto.agent.ResumeContainerRequest;
import dev.jkata.proto.agent.Routes;
import dev.jkata.proto.agent.SetGuestDateTimeRequest;
import dev.jkata.proto.agent.SignalProcessRequest;
import dev.jkata.proto.agent.StartContainerRequest;
import dev.jkata.proto.agent.StatsContainerRequest;
import dev.jkata.proto.agent.StatsContainerResponse;
import dev.jkata.proto.agent.TtyWinResizeRequest;
import dev.jkata.proto.agent.UpdateContainerRequest;
import dev.jkata.proto.agent.UpdateInterfaceRequest;
import dev.jkata.proto.agent.UpdateRoutesRequest;
import dev.jkata.proto.agent.VersionCheckResponse;
import dev.jkata.proto.agent.WaitProcessRequest;
import dev.jkata.proto.agent.WaitProcessResponse;
import dev.jkata.proto.agent.WriteStreamRequest;
import dev.jkata.proto.agent.WriteStreamResponse;
import dev.jkata.proto.types.Interface;
import dev.jkata.ttrpc.Code;
import dev.jkata.ttrpc.TtrpcClient;
import dev.jkata.ttrpc.TtrpcException;
import java.time.Duration;
import java.util.Objects;

/**
 * Typed client of the kata agent ({@code grpc.AgentService} and {@code grpc.Health} over ttrpc),
 * one method per RPC the host uses. Thread-safe; many calls may be in flight. Every failure is an
 * {@link AgentException} carrying the ttrpc status code and naming the RPC.
 *
 * <p>Deadlines: {@link AgentTimeouts#request()} for ordinary calls; none for the calls that block
 * until something happens in the guest (WaitProcess, ReadStdout, ReadStderr, GetOOMEvent).
 */
public final class AgentClient implements AutoCloseable {

    /** The agent's service name. */
    public static final String SERVICE = "grpc.AgentService";
    /** The agent's health service name. */
    public static final String HEALTH_SERVICE = "grpc.Health";

    private final TtrpcClient client;
    private final AgentTimeouts timeouts;

    /** Wraps a connected ttrpc client, which this object now owns. */
    public AgentClient(TtrpcClient client, AgentTimeouts timeouts) {
        this.client = Objects.requireNonNull(client, "client");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
    }

    /**
     * Connects to the agent of a VM that is booting: dials {@code endpoint} and retries
     * Health.Check until it answers or {@link AgentTimeouts#dial()} passes. Fails at once when the
     * VM's process exits meanwhile; the error then includes the tail of its console log.
     *
     * @param vm the VM the agent runs in, watched for exit; may be null
     */
    public static AgentClient connect(AgentEndpoint endpoint, AgentTimeouts timeouts, VirtualMachine vm)
            throws AgentException {
        return new AgentClient(AgentDialer.dial(endpoint, timeouts, vm), timeouts);
    }

    /** The deadlines in use. */
    public AgentTimeouts timeouts() {
        return timeouts;
    }

    /** Runs {@code callback} once when the connection to the agent drops (at once if it has). */
    public void onClose(Runnable callback) {
        client.onClose(callback);
    }

    public boolean isClosed() {
        return client.isClosed();
    }

    // ---- health ----

    public HealthCheckResponse check() throws AgentException {
        return health("Check", HealthCheckResponse.parser());
    }

    public VersionCheckResponse version() throws AgentException {
        return health("Version", VersionCheckResponse.parser());
    }

    // ---- sandbox ----

    public void createSandbox(CreateSandboxRequest request) throws AgentException {
        call("CreateSandbox", request, Empty.parser(), timeouts.request());
    }

    public void destroySandbox(Duration timeout) throws AgentException {
        call("DestroySandbox", DestroySandboxRequest.getDefaultInstance(), Empty.parser(), timeout);
    }

    public GuestDetailsResponse getGuestDetails(GuestDetailsRequest request) throws AgentException {
        return call("GetGuestDetails", request, GuestDetailsResponse.parser(), timeouts.request());
    }

    public void onlineCpuMem(OnlineCPUMemRequest request) throws AgentException {
        call("OnlineCPUMem", request, Empty.parser(), timeouts.request());
    }

    public void setGuestDateTime(long seconds, long micros) throws AgentException {
        call("SetGuestDateTime", SetGuestDateTimeRequest.newBuilder().setSec(seconds).setUsec(micros).build(),
                Empty.parser(), timeouts.request());
    }

    public void copyFile(CopyFileRequest request) throws AgentException {
        call("CopyFile", request, Empty.parser(), timeouts.request());
    }

    /** Blocks until a container in the guest hits an OOM; no deadline. */
    public OOMEvent getOomEvent() throws AgentException {
        return call("GetOOMEvent", GetOOMEventRequest.getDefaultInstance(), OOMEvent.parser(), null);
    }

    public Metrics getMetrics() throws AgentException {
        return call("GetMetrics", GetMetricsRequest.getDefaultInstance(), Metrics.parser(), timeouts.request());
    }

    // ---- containers ----

    public void createContainer(CreateContainerRequest request) throws AgentException {
        call("CreateContainer", request, Empty.parser(), timeouts.request());
    }

    public void startContainer(String containerId) throws AgentException {
        call("StartContainer", StartContainerRequest.newBuilder().setContainerId(containerId).build(),
                Empty.parser(), timeouts.request());
    }

    /**
     * Kills the container's processes and frees it in the guest.
     *
     * @param timeoutSeconds how long the agent may wait for the processes to die (0 = forever)
     */
    public void removeContainer(String containerId, int timeoutSeconds) throws AgentException {
        Duration deadline = timeoutSeconds == 0 ? null : timeouts.request().plusSeconds(timeoutSeconds);
        call("RemoveContainer", RemoveContainerRequest.newBuilder()
                .setContainerId(containerId).setTimeout(timeoutSeconds).build(), Empty.parser(), deadline);
    }

    public void pauseContainer(String containerId) throws AgentException {
        call("PauseContainer", PauseContainerRequest.newBuilder().setContainerId(containerId).build(),
                Empty.parser(), timeouts.request());
    }

    public void resumeContainer(String containerId) throws AgentException {
        call("ResumeContainer", ResumeContainerRequest.newBuilder().setContainerId(containerId).build(),
                Empty.parser(), timeouts.request());
    }

    public void updateContainer(String containerId, LinuxResources resources) throws AgentException {
        call("UpdateContainer", UpdateContainerRequest.newBuilder()
                .setContainerId(containerId).setResources(resources).build(), Empty.parser(), timeouts.request());
    }

    public StatsContainerResponse statsContainer(String containerId) throws AgentException {
        return call("StatsContainer", StatsContainerRequest.newBuilder().setContainerId(containerId).build(),
                StatsContainerResponse.parser(), timeouts.request());
    }

    // ---- processes ----

    public void execProcess(ExecProcessRequest request) throws AgentException {
        call("ExecProcess", request, Empty.parser(), timeouts.request());
    }

    /** Sends {@code signal}; an empty {@code execId} signals every process of the container. */
    public void signalProcess(String containerId, String execId, int signal) throws AgentException {
        call("SignalProcess", SignalProcessRequest.newBuilder()
                .setContainerId(containerId).setExecId(execId).setSignal(signal).build(),
                Empty.parser(), timeouts.request());
    }

    /** Blocks until the process exits and returns its exit status; no deadline. */
    public int waitProcess(String containerId, String execId) throws AgentException {
        WaitProcessResponse r = call("WaitProcess", WaitProcessRequest.newBuilder()
                .setContainerId(containerId).setExecId(execId).build(), WaitProcessResponse.parser(), null);
        return r.getStatus();
    }

    /** Writes to the process's stdin; returns how many bytes the agent took. */
    public int writeStdin(String containerId, String execId, ByteString data) throws AgentException {
        WriteStreamResponse r = call("WriteStdin", WriteStreamRequest.newBuilder()
                .setContainerId(containerId).setExecId(execId).setData(data).build(),
                WriteStreamResponse.parser(), timeouts.request());
        return r.getLen();
    }

    /** Blocks until the process wrote up to {@code max} bytes to stdout; no deadline. */
    public ByteString readStdout(String containerId, String execId, int max) throws AgentException {
        return read("ReadStdout", containerId, execId, max);
    }

    /** Blocks until the process wrote up to {@code max} bytes to stderr; no deadline. */
    public ByteString readStderr(String containerId, String execId, int max) throws AgentException {
        return read("ReadStderr", containerId, execId, max);
    }

    public void closeStdin(String containerId, String execId) throws AgentException {
        call("CloseStdin", CloseStdinRequest.newBuilder().setContainerId(containerId).setExecId(execId).build(),
                Empty.parser(), timeouts.request());
    }

    public void ttyWinResize(String containerId, String execId, int rows, int columns) throws AgentException {
        call("TtyWinResize", TtyWinResizeRequest.newBuilder().setContainerId(containerId).setExecId(execId)
                .setRow(rows).setColumn(columns).build(), Empty.parser(), timeouts.request());
    }

    // ---- network ----

    public Interfaces listInterfaces() throws AgentException {
        return call("ListInterfaces", ListInterfacesRequest.getDefaultInstance(), Interfaces.parser(),
                timeouts.request());
    }

    public Routes listRoutes() throws AgentException {
        return call("ListRoutes", ListRoutesRequest.getDefaultInstance(), Routes.parser(), timeouts.request());
    }

    public Interface updateInterface(Interface iface) throws AgentException {
        return call("UpdateInterface", UpdateInterfaceRequest.newBuilder().setInterface(iface).build(),
                Interface.parser(), timeouts.request());
    }

    public Routes updateRoutes(Routes routes) throws AgentException {
        return call("UpdateRoutes", UpdateRoutesRequest.newBuilder().setRoutes(routes).build(), Routes.parser(),
                timeouts.request());
    }

    public void addArpNeighbors(AddARPNeighborsRequest request) throws AgentException {
        call("AddARPNeighbors", request, Empty.parser(), timeouts.request());
    }

    // ---- generic ----

    /**
     * Calls any {@code grpc.AgentService} method.
     *
     * @param timeout deadline; null = none
     */
    public <R extends Message> R call(String method, Message request, Parser<R> parser, Duration timeout)
            throws AgentException {
        return invoke(SERVICE, method, request, parser, timeout);
    }

    /** Closes the connection; pending calls fail with UNAVAILABLE. */
    @Override
    public void close() {
        client.close();
    }

    private ByteString read(String method, String containerId, String execId, int max) throws AgentException {
        ReadStreamResponse r = call(method, ReadStreamRequest.newBuilder()
                .setContainerId(containerId).setExecId(execId).setLen(max).build(), ReadStreamResponse.parser(), null);
        return r.getData();
    }

    private <R extends Message> R health(String method, Parser<R> parser) throws AgentException {
        return invoke(HEALTH_SERVICE, method, CheckRequest.getDefaultInstance(), parser, timeouts.request());
    }

    private <R extends Message> R invoke(String service, String method, Message request, Parser<R> parser,
            Duration timeout) throws AgentException {
        try {
            return client.call(service, method, request, parser, timeout);
        } catch (TtrpcException e) {
            throw new AgentException(e.code(), "agent " + method + describe(request) + ": " + e.code() + ": "
                    + e.getMessage(), e);
        }
    }

    /** A short description of the request's target for error messages ({@code (c1/e1)}). */
    private static String describe(Message request) {
        String cid = field(request, "container_id");
        String eid = field(request, "exec_id");
        if (cid.isEmpty()) {
            return "";
        }
        return "(" + cid + (eid.isEmpty() ? "" : "/" + eid) + ")";
    }

    private static String field(Message request, String name) {
        var descriptor = request.getDescriptorForType().findFieldByName(name);
        if (descriptor == null || descriptor.getJavaType() != com.google.protobuf.Descriptors.FieldDescriptor.JavaType.STRING) {
            return "";
        }
        return (String) request.getField(descriptor);
    }

    static AgentException unavailable(String message, Throwable cause) {
        return new AgentException(Code.UNAVAILABLE, message, cause);
    }
}
