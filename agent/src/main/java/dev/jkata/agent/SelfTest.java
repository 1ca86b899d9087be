package dev.jkata.agent;

import com.google.protobuf.ByteString;
import dev.jkata.agent.container.OciRuntime;
import dev.jkata.agent.net.IpCommand;
import dev.jkata.agent.rpc.AgentEnv;
import dev.jkata.agent.rpc.AgentService;
import dev.jkata.agent.storage.Mounter;
import dev.jkata.proto.agent.CheckRequest;
import dev.jkata.proto.agent.CopyFileRequest;
import dev.jkata.proto.agent.CreateContainerRequest;
import dev.jkata.proto.agent.CreateSandboxRequest;
import dev.jkata.proto.agent.DestroySandboxRequest;
import dev.jkata.proto.agent.Storage;
import dev.jkata.proto.agent.GetMetricsRequest;
import dev.jkata.proto.agent.GuestDetailsRequest;
import dev.jkata.proto.agent.GuestDetailsResponse;
import dev.jkata.proto.agent.HealthCheckResponse;
import dev.jkata.proto.agent.Metrics;
import dev.jkata.proto.agent.Process;
import dev.jkata.proto.agent.Root;
import dev.jkata.proto.agent.Spec;
import dev.jkata.proto.agent.VersionCheckResponse;
import dev.jkata.proto.agent.RemoveContainerRequest;
import dev.jkata.proto.agent.StartContainerRequest;
import dev.jkata.proto.agent.WaitProcessRequest;
import dev.jkata.proto.agent.WaitProcessResponse;
import dev.jkata.ttrpc.Code;
import dev.jkata.ttrpc.Transports;
import dev.jkata.ttrpc.TtrpcClient;
import dev.jkata.ttrpc.TtrpcException;
import dev.jkata.ttrpc.TtrpcServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs the agent's main code paths without a VM: serves on a temporary unix socket and calls
 * it through a ttrpc client. Exit status 0 when every check passed.
 *
 * <p>With {@code namespaced} (the caller promises private mount and UTS namespaces, as the
 * osbuilder's AOT training run has) it also runs what a real CreateSandbox does: sethostname and a
 * mount (a tmpfs storage), then DestroySandbox; these are the guest's first system calls, and an
 * AOT cache trained without them leaves the native-call set-up to the first CreateSandbox.
 */
final class SelfTest {

    private SelfTest() {
    }

    static int run(boolean namespaced) throws IOException {
        Path dir = Files.createTempDirectory("kata-agent-selftest");
        Path sock = dir.resolve("agent.sock");
        Path bundles = dir.resolve("run");
        Files.createDirectories(bundles);
        AgentEnv env = new AgentEnv(OciRuntime.crun(), Mounter.system(), IpCommand.system(), bundles,
                dir.resolve("cgroup"), Path.of("/sys"), dir.resolve("resolv.conf"), AgentEnv.VERSION, "ttrpc");
        Duration t = Duration.ofSeconds(30);
        try (TtrpcServer server = new TtrpcServer()) {
            new AgentService(env).register(server);
            server.listenUnix(sock);
            try (TtrpcClient client = new TtrpcClient(Transports.unix(sock))) {
                String svc = "grpc.AgentService";
                HealthCheckResponse h = client.call("grpc.Health", "Check", CheckRequest.getDefaultInstance(),
                        HealthCheckResponse.parser(), t);
                check(h.getStatus() == HealthCheckResponse.ServingStatus.SERVING, "Check answers SERVING");
                VersionCheckResponse v = client.call("grpc.Health", "Version", CheckRequest.getDefaultInstance(),
                        VersionCheckResponse.parser(), t);
                check(v.getAgentVersion().equals(AgentEnv.VERSION), "Version answers the agent version");
                GuestDetailsResponse g = client.call(svc, "GetGuestDetails",
                        GuestDetailsRequest.newBuilder().setMemBlockSize(true).build(), GuestDetailsResponse.parser(), t);
                check(g.getAgentDetails().getVersion().equals(AgentEnv.VERSION), "GetGuestDetails");
                Metrics m = client.call(svc, "GetMetrics", GetMetricsRequest.getDefaultInstance(), Metrics.parser(), t);
                check(m.getMetrics().contains("kata_agent_uptime_seconds"), "GetMetrics");
                client.call(svc, "CopyFile", CopyFileRequest.newBuilder().setPath(bundles.resolve("x/file").toString())
                        .setFileSize(2).setFileMode(0644).setDirMode(0755).setUid(-1).setGid(-1)
                        .setData(ByteString.copyFromUtf8("ok")).build(), com.google.protobuf.Empty.parser(), t);
                check(Files.readString(bundles.resolve("x/file")).equals("ok"), "CopyFile writes the file");
                if (namespaced) {
                    createSandbox(client, dir, t);
                }
                expect(client, Code.INVALID_ARGUMENT, () -> client.call(svc, "CreateContainer",
                        CreateContainerRequest.newBuilder().setContainerId("c1").setOCI(Spec.newBuilder()
                                .setProcess(Process.newBuilder().addArgs("/bin/true"))
                                .setRoot(Root.newBuilder().setPath(dir.resolve("no-rootfs").toString()))).build(),
                        com.google.protobuf.Empty.parser(), t));
                // a container whose start may fail here (no cgroups in a build chroot): the paths run all the same
                Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
                client.call(svc, "CreateContainer", CreateContainerRequest.newBuilder().setContainerId("c2")
                        .setOCI(Spec.newBuilder().setProcess(Process.newBuilder().addArgs("/bin/true").addEnv("PATH=/bin"))
                                .setRoot(Root.newBuilder().setPath(rootfs.toString()))).build(),
                        com.google.protobuf.Empty.parser(), t);
                check(Files.exists(bundles.resolve("c2/config.json")), "CreateContainer writes config.json");
                try {
                    client.call(svc, "StartContainer", StartContainerRequest.newBuilder().setContainerId("c2").build(),
                            com.google.protobuf.Empty.parser(), t);
                    client.call(svc, "WaitProcess", WaitProcessRequest.newBuilder().setContainerId("c2").build(),
                            WaitProcessResponse.parser(), t);
                } catch (TtrpcException e) {
                    check(e.code() == Code.INTERNAL, "a failed start is INTERNAL: " + e);
                }
                client.call(svc, "RemoveContainer", RemoveContainerRequest.newBuilder().setContainerId("c2").build(),
                        com.google.protobuf.Empty.parser(), t);
                check(!Files.exists(bundles.resolve("c2")), "RemoveContainer removes the bundle");
                expect(client, Code.NOT_FOUND, () -> client.call(svc, "WaitProcess",
                        WaitProcessRequest.newBuilder().setContainerId("nope").build(),
                        com.google.protobuf.Empty.parser(), t));
                expect(client, Code.UNIMPLEMENTED, () -> client.call(svc, "SetPolicy",
                        CheckRequest.getDefaultInstance(), com.google.protobuf.Empty.parser(), t));
            }
            trainStartUpPaths(dir);
            System.err.println("kata-agent self-test passed");
            return 0;
        } catch (RuntimeException | AssertionError e) {
            System.err.println("kata-agent self-test FAILED: " + e);
            return 1;
        } finally {
            deleteTree(dir);
        }
    }

    /** CreateSandbox with a hostname and a tmpfs storage, checked, then DestroySandbox. */
    private static void createSandbox(TtrpcClient client, Path dir, Duration t) throws IOException {
        String svc = "grpc.AgentService";
        Path mp = dir.resolve("sandbox-tmpfs");
        client.call(svc, "CreateSandbox", CreateSandboxRequest.newBuilder().setSandboxId("selftest")
                .setHostname("kata-selftest")
                .addStorages(Storage.newBuilder().setDriver("ephemeral").setSource("tmpfs").setFstype("tmpfs")
                        .addOptions("size=1m").setMountPoint(mp.toString()))
                .build(), com.google.protobuf.Empty.parser(), t);
        check(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim().equals("kata-selftest"),
                "CreateSandbox sets the hostname");
        check(Files.readString(Path.of("/proc/self/mounts")).contains(" " + mp + " tmpfs "),
                "CreateSandbox mounts its storage");
        client.call(svc, "DestroySandbox", DestroySandboxRequest.getDefaultInstance(),
                com.google.protobuf.Empty.parser(), t);
        check(!Files.readString(Path.of("/proc/self/mounts")).contains(" " + mp + " "),
                "DestroySandbox unmounts the storage");
    }

    /**
     * Runs what Main does before "ready" (channel selection, serving a serial device) once, so that
     * an AOT cache trained with the self-test holds those classes too. Failures do not matter here.
     */
    private static void trainStartUpPaths(Path dir) {
        try {
            AgentChannel.select(Path.of("/sys"), Path.of("/dev"), Duration.ZERO);
        } catch (AgentException e) {
            // no channel outside a guest
        }
        Path device = dir.resolve("serial-device");
        try (TtrpcServer serial = new TtrpcServer()) {
            Files.writeString(device, "");
            serial.serveSerial(device);
            Thread.sleep(100);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // best effort
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    private static void expect(TtrpcClient c, Code code, Runnable call) {
        try {
            call.run();
        } catch (TtrpcException e) {
            check(e.code() == code, "expected " + code + ", got " + e.code() + ": " + e.getMessage());
            return;
        }
        throw new AssertionError("expected " + code + ", the call succeeded");
    }

    private static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temp files only
        }
    }
}
