package dev.jkata.agent.rpc;

import com.google.protobuf.Empty;
import dev.jkata.agent.AgentException;
import dev.jkata.agent.cgroup.CgroupStatsReader;
import dev.jkata.agent.cgroup.OomWatcher;
import dev.jkata.agent.container.Container;
import dev.jkata.agent.container.Sandbox;
import dev.jkata.agent.container.Stdio;
import dev.jkata.agent.guest.CopyFiles;
import dev.jkata.agent.guest.GuestResources;
import dev.jkata.agent.net.Network;
import dev.jkata.agent.os.Native;
import dev.jkata.agent.storage.StorageSpec;
import dev.jkata.proto.agent.*;
import dev.jkata.ttrpc.Code;
import dev.jkata.ttrpc.TtrpcServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * grpc.AgentService: each method checks its request, calls the layer below and maps the
 * result. Methods not registered here answer UNIMPLEMENTED (the server does that).
 */
public final class AgentService {

    private static final System.Logger LOG = System.getLogger(AgentService.class.getName());
    static final String SERVICE = "grpc.AgentService";
    /** Largest chunk one ReadStdout/ReadStderr returns. */
    static final int MAX_READ = 1 << 20;

    private final AgentEnv env;
    private final Sandbox sandbox;
    private final Network network;
    private final CopyFiles copyFiles;
    private final GuestResources guest;
    private final OomWatcher oom;
    private final long startedNanos = System.nanoTime();
    private Calls calls;

    public AgentService(AgentEnv env) {
        this.env = env;
        this.sandbox = new Sandbox(env.runtime(), new dev.jkata.agent.storage.Storages(env.mounter()), env.bundles(),
                env.cgroupRoot());
        this.network = new Network(env.ip(), env.sys().resolve("class/net"));
        this.copyFiles = new CopyFiles(env.bundles());
        this.guest = new GuestResources(env.sys());
        this.oom = new OomWatcher(env.cgroupRoot(),
                () -> sandbox.containers().stream().map(Container::id).toList(), 200);
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    /** Registers grpc.AgentService and grpc.Health on {@code server}. */
    public void register(TtrpcServer server) {
        Calls c = new Calls(server);
        this.calls = c;
        HealthService.register(c, env.version(), env.grpcVersion());
        String s = SERVICE;
        c.add(s, "CreateSandbox", CreateSandboxRequest::parser, this::createSandbox);
        c.add(s, "DestroySandbox", DestroySandboxRequest::parser, (DestroySandboxRequest r) -> {
            sandbox.destroySandbox();
            return empty();
        });
        c.add(s, "CreateContainer", CreateContainerRequest::parser, this::createContainer);
        c.add(s, "StartContainer", StartContainerRequest::parser, (StartContainerRequest r) -> {
            sandbox.start(r.getContainerId());
            return empty();
        });
        c.add(s, "RemoveContainer", RemoveContainerRequest::parser, (RemoveContainerRequest r) -> {
            sandbox.remove(r.getContainerId(), r.getTimeout());
            return empty();
        });
        c.add(s, "ExecProcess", ExecProcessRequest::parser, (ExecProcessRequest r) -> {
            if (!r.hasProcess()) {
                throw AgentException.invalid("ExecProcess " + r.getExecId() + ": the request has no process");
            }
            sandbox.exec(r.getContainerId(), r.getExecId(), r.getProcess());
            return empty();
        });
        c.add(s, "SignalProcess", SignalProcessRequest::parser, (SignalProcessRequest r) -> {
            sandbox.signal(r.getContainerId(), r.getExecId(), r.getSignal());
            return empty();
        });
        c.add(s, "WaitProcess", WaitProcessRequest::parser, (WaitProcessRequest r) ->
                WaitProcessResponse.newBuilder()
                        .setStatus(sandbox.waitProcess(r.getContainerId(), r.getExecId())).build());
        c.add(s, "UpdateContainer", UpdateContainerRequest::parser, (UpdateContainerRequest r) -> {
            sandbox.update(r.getContainerId(), r.getResources());
            return empty();
        });
        c.add(s, "StatsContainer", StatsContainerRequest::parser, (StatsContainerRequest r) -> {
            Container ct = sandbox.get(r.getContainerId());
            return StatsContainerResponse.newBuilder()
                    .setCgroupStats(CgroupStatsReader.read(env.cgroupRoot().resolve(ct.id())))
                    .addAllNetworkStats(network.statistics()).build();
        });
        c.add(s, "PauseContainer", PauseContainerRequest::parser, (PauseContainerRequest r) -> {
            sandbox.pause(r.getContainerId());
            return empty();
        });
        c.add(s, "ResumeContainer", ResumeContainerRequest::parser, (ResumeContainerRequest r) -> {
            sandbox.resume(r.getContainerId());
            return empty();
        });
        registerStdio(c, s);
        registerNetwork(c, s);
        registerGuest(c, s);
    }

    private void registerStdio(Calls c, String s) {
        c.add(s, "WriteStdin", WriteStreamRequest::parser, (WriteStreamRequest r) -> {
            stdio(r.getContainerId(), r.getExecId()).writeStdin(r.getData().toByteArray());
            return WriteStreamResponse.newBuilder().setLen(r.getData().size()).build();
        });
        c.add(s, "ReadStdout", ReadStreamRequest::parser, (ReadStreamRequest r) ->
                read(r, true));
        c.add(s, "ReadStderr", ReadStreamRequest::parser, (ReadStreamRequest r) ->
                read(r, false));
        c.add(s, "CloseStdin", CloseStdinRequest::parser, (CloseStdinRequest r) -> {
            stdio(r.getContainerId(), r.getExecId()).closeStdin();
            return empty();
        });
        c.add(s, "TtyWinResize", TtyWinResizeRequest::parser, (TtyWinResizeRequest r) -> {
            stdio(r.getContainerId(), r.getExecId()).resize(r.getRow(), r.getColumn());
            return empty();
        });
    }

    /** End of stream is an error status, so the host's copy loop ends (as upstream's agent does). */
    private ReadStreamResponse read(ReadStreamRequest r, boolean stdout) {
        int max = r.getLen() <= 0 ? MAX_READ : Math.min(r.getLen(), MAX_READ);
        Optional<Stdio> io = sandbox.get(r.getContainerId()).process(r.getExecId()).stdio();
        byte[] data = io.map(x -> stdout ? x.readStdout(max) : x.readStderr(max)).orElse(null);
        if (data == null) {
            throw new AgentException(Code.INTERNAL, "EOF");
        }
        return ReadStreamResponse.newBuilder().setData(com.google.protobuf.ByteString.copyFrom(data)).build();
    }

    private Stdio stdio(String cid, String execId) {
        return sandbox.get(cid).process(execId).stdio().orElseThrow(() -> AgentException.precondition(
                "process '" + execId + "' of container " + cid + " never started"));
    }

    private void registerNetwork(Calls c, String s) {
        c.add(s, "ListInterfaces", ListInterfacesRequest::parser, (ListInterfacesRequest r) ->
                Interfaces.newBuilder().addAllInterfaces(network.interfaces()).build());
        c.add(s, "ListRoutes", ListRoutesRequest::parser, (ListRoutesRequest r) ->
                Routes.newBuilder().addAllRoutes(network.routes()).build());
        c.add(s, "UpdateInterface", UpdateInterfaceRequest::parser, (UpdateInterfaceRequest r) -> {
            if (!r.hasInterface()) {
                throw AgentException.invalid("UpdateInterface: the request has no interface");
            }
            return network.update(r.getInterface());
        });
        c.add(s, "UpdateRoutes", UpdateRoutesRequest::parser, (UpdateRoutesRequest r) ->
                Routes.newBuilder().addAllRoutes(network.updateRoutes(r.getRoutes().getRoutesList())).build());
        c.add(s, "AddARPNeighbors", AddARPNeighborsRequest::parser, (AddARPNeighborsRequest r) -> {
            network.addNeighbors(r.getNeighbors().getARPNeighborsList());
            return empty();
        });
    }

    private void registerGuest(Calls c, String s) {
        c.add(s, "GetGuestDetails", GuestDetailsRequest::parser, (GuestDetailsRequest r) ->
                GuestDetailsResponse.newBuilder()
                        .setMemBlockSizeBytes(r.getMemBlockSize() ? guest.memoryBlockSize() : 0)
                        .setSupportMemHotplugProbe(r.getMemHotplugProbe() && guest.memoryHotplugProbe())
                        .setAgentDetails(AgentDetails.newBuilder().setVersion(env.version())
                                .setInitDaemon(ProcessHandle.current().pid() == 1)
                                .addAllStorageHandlers(List.of("virtio-fs", "9p", "local", "ephemeral", "bind"))
                                .setSupportsSeccomp(true))
                        .build());
        c.add(s, "SetGuestDateTime", SetGuestDateTimeRequest::parser, (SetGuestDateTimeRequest r) -> {
            Native.settimeofday(r.getSec(), r.getUsec());
            return empty();
        });
        c.add(s, "OnlineCPUMem", OnlineCPUMemRequest::parser, (OnlineCPUMemRequest r) -> {
            guest.online(r.getNbCpus(), r.getCpuOnly());
            return empty();
        });
        c.add(s, "CopyFile", CopyFileRequest::parser, (CopyFileRequest r) -> {
            copyFiles.write(r.getPath(), r.getFileSize(), r.getFileMode(), r.getDirMode(), r.getUid(), r.getGid(),
                    r.getOffset(), r.getData().toByteArray());
            return empty();
        });
        c.add(s, "GetOOMEvent", GetOOMEventRequest::parser, (GetOOMEventRequest r) ->
                OOMEvent.newBuilder().setContainerId(oom.next()).build());
        c.add(s, "ReseedRandomDev", ReseedRandomDevRequest::parser, (ReseedRandomDevRequest r) -> {
            try {
                Files.write(Path.of("/dev/random"), r.getData().toByteArray());
            } catch (IOException e) {
                throw AgentException.internal("reseeding /dev/random: " + e.getMessage(), e);
            }
            return empty();
        });
        c.add(s, "MemHotplugByProbe", MemHotplugByProbeRequest::parser, (MemHotplugByProbeRequest r) -> {
            guest.probeMemory(r.getMemHotplugProbeAddrList());
            return empty();
        });
        c.add(s, "GetVolumeStats", VolumeStatsRequest::parser, (VolumeStatsRequest r) ->
                GuestSetup.volumeStats(r.getVolumeGuestPath()));
        c.add(s, "GetMetrics", GetMetricsRequest::parser, (GetMetricsRequest r) ->
                Metrics.newBuilder().setMetrics(metrics()).build());
    }

    private Empty createSandbox(CreateSandboxRequest r) {
        LOG.log(System.Logger.Level.DEBUG, "CreateSandbox " + r.getSandboxId() + " received");
        List<StorageSpec> specs = r.getStoragesList().stream().map(StorageSpec::of).toList();
        if (!r.getHostname().isEmpty()) {
            GuestSetup.setHostname(r.getHostname());
            LOG.log(System.Logger.Level.DEBUG, "CreateSandbox: hostname set");
        }
        for (KernelModule m : r.getKernelModulesList()) {
            GuestSetup.loadModule(m.getName(), m.getParametersList());
        }
        if (r.getDnsCount() > 0) {
            GuestSetup.writeResolvConf(env.resolvConf(), r.getDnsList());
        }
        if (!r.getGuestHookPath().isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "guest hooks in " + r.getGuestHookPath() + " are not run by this agent");
        }
        LOG.log(System.Logger.Level.DEBUG, "CreateSandbox: mounting " + specs.size() + " storage(s)");
        sandbox.createSandbox(r.getSandboxId(), specs);
        return empty();
    }

    private Empty createContainer(CreateContainerRequest r) {
        if (!r.hasOCI()) {
            throw AgentException.invalid("CreateContainer " + r.getContainerId() + ": the request has no OCI spec");
        }
        List<StorageSpec> specs = r.getStoragesList().stream().map(StorageSpec::of).toList();
        sandbox.create(r.getContainerId(), specs, r.getOCI());
        return empty();
    }

    /** A few agent metrics in the Prometheus text format. */
    String metrics() {
        StringBuilder b = new StringBuilder();
        b.append("# HELP kata_agent_uptime_seconds Seconds since the agent started.\n");
        b.append("# TYPE kata_agent_uptime_seconds gauge\n");
        b.append("kata_agent_uptime_seconds ").append((System.nanoTime() - startedNanos) / 1_000_000_000.0).append('\n');
        b.append("# HELP kata_agent_containers Containers the agent manages.\n");
        b.append("# TYPE kata_agent_containers gauge\n");
        b.append("kata_agent_containers ").append(sandbox.containers().size()).append('\n');
        Runtime rt = Runtime.getRuntime();
        b.append("# HELP kata_agent_heap_used_bytes JVM heap in use.\n");
        b.append("# TYPE kata_agent_heap_used_bytes gauge\n");
        b.append("kata_agent_heap_used_bytes ").append(rt.totalMemory() - rt.freeMemory()).append('\n');
        b.append("# HELP kata_agent_threads Live threads of the agent.\n");
        b.append("# TYPE kata_agent_threads gauge\n");
        b.append("kata_agent_threads ").append(Thread.activeCount()).append('\n');
        if (calls != null) {
            b.append("# HELP kata_agent_rpc_calls_total RPC calls served, by method.\n");
            b.append("# TYPE kata_agent_rpc_calls_total counter\n");
            calls.counts().forEach((m, n) ->
                    b.append("kata_agent_rpc_calls_total{method=\"").append(m).append("\"} ").append(n).append('\n'));
        }
        return b.toString();
    }

    static Empty empty() {
        return Empty.getDefaultInstance();
    }
}
