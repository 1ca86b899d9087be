package dev.jkata.agent.rpc;

import com.google.protobuf.Empty;
import dev.jkata.agent.container.OciRuntime;
import dev.jkata.agent.storage.Mounter;
import dev.jkata.proto.agent.*;
import dev.jkata.ttrpc.Code;
import dev.jkata.ttrpc.Transports;
import dev.jkata.ttrpc.TtrpcClient;
import dev.jkata.ttrpc.TtrpcException;
import dev.jkata.ttrpc.TtrpcServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RPC layer over a real ttrpc server and client, with the guest's mounts and crun faked. */
class AgentServiceTest {

    @TempDir
    Path tmp;
    private TtrpcServer server;
    private TtrpcClient client;
    private final List<String> mounts = new CopyOnWriteArrayList<>();
    private static final Duration T = Duration.ofSeconds(20);

    @BeforeEach
    void start() throws Exception {
        Mounter fake = new Mounter() {
            @Override
            public void mount(String source, String target, String fstype, long flags, String data) {
                mounts.add("mount " + source + " " + target + " " + fstype);
            }

            @Override
            public void unmount(String target) {
                mounts.add("umount " + target);
            }
        };
        Path bundles = Files.createDirectories(tmp.resolve("run"));
        AgentEnv env = new AgentEnv(new OciRuntime(tmp.resolve("no-crun"), tmp.resolve("crun-state")), fake,
                args -> "", bundles, tmp.resolve("cgroup"), tmp.resolve("sys"), tmp.resolve("etc/resolv.conf"), "9.9.9",
                "ttrpc");
        server = new TtrpcServer();
        new AgentService(env).register(server);
        server.listenUnix(tmp.resolve("agent.sock"));
        client = new TtrpcClient(Transports.unix(tmp.resolve("agent.sock")));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private void call(String method, com.google.protobuf.Message req) {
        client.call("grpc.AgentService", method, req, Empty.parser(), T);
    }

    private Code fails(String method, com.google.protobuf.Message req, String mention) {
        TtrpcException e = assertThrows(TtrpcException.class, () -> call(method, req));
        assertTrue(e.getMessage().contains(mention), method + ": " + e.getMessage());
        return e.code();
    }

    @Test
    void healthAndVersion() {
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, client.call("grpc.Health", "Check",
                CheckRequest.getDefaultInstance(), HealthCheckResponse.parser(), T).getStatus());
        VersionCheckResponse v = client.call("grpc.Health", "Version", CheckRequest.getDefaultInstance(),
                VersionCheckResponse.parser(), T);
        assertEquals("9.9.9", v.getAgentVersion());
        assertFalse(v.getGrpcVersion().isEmpty());
    }

    @Test
    void unimplementedMethodsNameThemselves() {
        assertEquals(Code.UNIMPLEMENTED, fails("SetPolicy", SetPolicyRequest.getDefaultInstance(), "SetPolicy"));
        assertEquals(Code.UNIMPLEMENTED, fails("AddSwap", AddSwapRequest.getDefaultInstance(), "AddSwap"));
        assertEquals(Code.UNIMPLEMENTED, fails("GetIPTables", GetIPTablesRequest.getDefaultInstance(), "GetIPTables"));
    }

    @Test
    void sandboxAndContainerLifecycleWithoutStarting() throws Exception {
        call("CreateSandbox", CreateSandboxRequest.newBuilder().setSandboxId("sb")
                .addDns("nameserver 10.0.0.53").addDns("search example.com").addDns("10.0.0.54")
                .addStorages(Storage.newBuilder().setDriver("virtio-fs").setSource("kataShared").setFstype("virtiofs")
                        .setMountPoint(tmp.resolve("shared").toString())).build());
        assertEquals(List.of("mount kataShared " + tmp.resolve("shared") + " virtiofs"), mounts);
        assertEquals("nameserver 10.0.0.53\nsearch example.com\nnameserver 10.0.0.54\n",
                Files.readString(tmp.resolve("etc/resolv.conf")));
        assertEquals(Code.ALREADY_EXISTS, fails("CreateSandbox", CreateSandboxRequest.getDefaultInstance(), "sb"));

        Path rootfs = Files.createDirectories(tmp.resolve("shared/c1/rootfs"));
        CreateContainerRequest create = CreateContainerRequest.newBuilder().setContainerId("c1")
                .setOCI(Spec.newBuilder().setProcess(dev.jkata.proto.agent.Process.newBuilder().addArgs("/bin/sh"))
                        .setRoot(Root.newBuilder().setPath(rootfs.toString())))
                .addStorages(Storage.newBuilder().setDriver("ephemeral").setSource("tmpfs").setFstype("tmpfs")
                        .setMountPoint(tmp.resolve("eph").toString()))
                .build();
        call("CreateContainer", create);
        assertTrue(Files.readString(tmp.resolve("run/c1/config.json")).contains("\"/jkata/c1\""));
        assertEquals(Code.ALREADY_EXISTS, fails("CreateContainer", create, "c1"));
        assertEquals(Code.INVALID_ARGUMENT, fails("CreateContainer",
                create.toBuilder().setContainerId("../etc").build(), "../etc"));
        assertEquals(Code.INVALID_ARGUMENT, fails("CreateContainer",
                create.toBuilder().setContainerId("c2").clearOCI().build(), "no OCI spec"));
        assertEquals(Code.INVALID_ARGUMENT, fails("CreateContainer", create.toBuilder().setContainerId("c3")
                .clearStorages().addStorages(Storage.newBuilder().setDriver("blk").setMountPoint("/x")).build(), "blk"));

        assertEquals(Code.NOT_FOUND, fails("StartContainer",
                StartContainerRequest.newBuilder().setContainerId("zz").build(), "zz"));
        TtrpcException e = assertThrows(TtrpcException.class, () -> client.call("grpc.AgentService", "WaitProcess",
                WaitProcessRequest.newBuilder().setContainerId("c1").setExecId("e9").build(),
                WaitProcessResponse.parser(), T));
        assertEquals(Code.NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("e9"), e.getMessage());
        assertEquals(Code.INVALID_ARGUMENT, fails("SignalProcess",
                SignalProcessRequest.newBuilder().setContainerId("c1").setSignal(99).build(), "99"));
        assertEquals(Code.FAILED_PRECONDITION, fails("ExecProcess", ExecProcessRequest.newBuilder()
                .setContainerId("c1").setExecId("e1")
                .setProcess(dev.jkata.proto.agent.Process.newBuilder().addArgs("/bin/ls")).build(), "created"));
        // starting fails cleanly: the runtime binary does not exist
        assertEquals(Code.INTERNAL, fails("StartContainer",
                StartContainerRequest.newBuilder().setContainerId("c1").build(), "c1"));
        assertEquals(255, client.call("grpc.AgentService", "WaitProcess",
                WaitProcessRequest.newBuilder().setContainerId("c1").build(), WaitProcessResponse.parser(), T)
                .getStatus(), "a failed start reads as exit status 255");
        assertEquals(Code.FAILED_PRECONDITION, fails("StartContainer",
                StartContainerRequest.newBuilder().setContainerId("c1").build(), "stopped"));

        call("RemoveContainer", RemoveContainerRequest.newBuilder().setContainerId("c1").build());
        assertFalse(Files.exists(tmp.resolve("run/c1")), "bundle removed");
        assertEquals("umount " + tmp.resolve("eph"), mounts.getLast());
        call("DestroySandbox", DestroySandboxRequest.getDefaultInstance());
        assertEquals("umount " + tmp.resolve("shared"), mounts.getLast());
    }

    @Test
    void volumeStats() {
        VolumeStatsResponse v = client.call("grpc.AgentService", "GetVolumeStats",
                VolumeStatsRequest.newBuilder().setVolumeGuestPath(tmp.toString()).build(),
                VolumeStatsResponse.parser(), T);
        assertEquals(VolumeUsage.Unit.BYTES, v.getUsage(0).getUnit());
        assertTrue(v.getUsage(0).getTotal() > 0 && v.getUsage(0).getAvailable() <= v.getUsage(0).getTotal(), v.toString());
        assertEquals(Code.NOT_FOUND, fails("GetVolumeStats",
                VolumeStatsRequest.newBuilder().setVolumeGuestPath("/no/such/volume").build(), "/no/such/volume"));
    }

    @Test
    void copyFileAndMetrics() throws Exception {
        assertEquals(Code.INVALID_ARGUMENT, fails("CopyFile",
                CopyFileRequest.newBuilder().setPath("/etc/passwd").build(), "/etc/passwd"));
        String path = tmp.resolve("run/shared/c1-hosts").toString();
        call("CopyFile", CopyFileRequest.newBuilder().setPath(path).setFileSize(3).setFileMode(0100644)
                .setDirMode(0755).setUid(-1).setGid(-1).setData(com.google.protobuf.ByteString.copyFromUtf8("abc")).build());
        assertEquals("abc", Files.readString(Path.of(path)));
        Metrics m = client.call("grpc.AgentService", "GetMetrics", GetMetricsRequest.getDefaultInstance(),
                Metrics.parser(), T);
        assertTrue(m.getMetrics().contains("kata_agent_rpc_calls_total{method=\"CopyFile\"} 2"), m.getMetrics());
        assertTrue(m.getMetrics().contains("kata_agent_containers 0"), m.getMetrics());
    }
}
