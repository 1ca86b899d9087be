package dev.jkata.agent.vm;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.jkata.proto.agent.*;
import dev.jkata.ttrpc.TtrpcClient;
import dev.jkata.ttrpc.TtrpcException;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;

/** Typed calls to the agent for tests. */
public record AgentCalls(TtrpcClient client, Duration timeout) {

    static final String SVC = "grpc.AgentService";
    public static final String SHARED = "/run/kata-containers/shared/containers/";

    public <R extends Message> R call(String method, Message req, Parser<R> parser) {
        return client.call(SVC, method, req, parser, timeout);
    }

    public void empty(String method, Message req) {
        call(method, req, Empty.parser());
    }

    public HealthCheckResponse check() {
        return client.call("grpc.Health", "Check", CheckRequest.getDefaultInstance(), HealthCheckResponse.parser(), timeout);
    }

    public void createSandbox9p(String id) {
        empty("CreateSandbox", CreateSandboxRequest.newBuilder().setSandboxId(id).setHostname("jkata-9p")
                .addStorages(Storage.newBuilder().setDriver("9p").setSource("kataShared").setFstype("9p")
                        .addAllOptions(List.of("trans=virtio", "version=9p2000.L", "msize=262144"))
                        .setMountPoint(SHARED))
                .addStorages(Storage.newBuilder().setDriver("ephemeral").setSource("shm").setFstype("tmpfs")
                        .addOptions("size=16m").setMountPoint("/run/kata-containers/sandbox/shm"))
                .build());
    }

    public void createSandbox(String id) {
        empty("CreateSandbox", CreateSandboxRequest.newBuilder().setSandboxId(id).setHostname("jkata-test")
                .addStorages(Storage.newBuilder().setDriver("virtio-fs").setSource("kataShared").setFstype("virtiofs")
                        .setMountPoint(SHARED))
                .build());
    }

    /** A spec like the host sends: rootfs under the share, default mounts and namespaces. */
    public static Spec spec(String cid, boolean terminal, String... args) {
        Spec.Builder s = Spec.newBuilder().setVersion("1.0.2")
                .setProcess(dev.jkata.proto.agent.Process.newBuilder().setTerminal(terminal).addAllArgs(List.of(args))
                        .addEnv("PATH=/bin").setCwd("/")
                        .setUser(User.newBuilder().setUID(0).setGID(0)))
                .setRoot(Root.newBuilder().setPath(SHARED + cid + "/rootfs"))
                .setHostname(cid)
                .addMounts(Mount.newBuilder().setDestination("/proc").setType("proc").setSource("proc"))
                .addMounts(Mount.newBuilder().setDestination("/dev").setType("tmpfs").setSource("tmpfs")
                        .addAllOptions(List.of("nosuid", "strictatime", "mode=755", "size=65536k")))
                .addMounts(Mount.newBuilder().setDestination("/dev/pts").setType("devpts").setSource("devpts")
                        .addAllOptions(List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")))
                .addMounts(Mount.newBuilder().setDestination("/sys").setType("sysfs").setSource("sysfs")
                        .addAllOptions(List.of("nosuid", "noexec", "nodev", "ro")))
                .addMounts(Mount.newBuilder().setDestination("/etc/host-only").setType("bind")
                        .setSource("/host/does/not/exist").addAllOptions(List.of("rbind", "ro")))
                .setLinux(Linux.newBuilder().setCgroupsPath("/host/cgroup/" + cid)
                        .addNamespaces(LinuxNamespace.newBuilder().setType("pid"))
                        .addNamespaces(LinuxNamespace.newBuilder().setType("network").setPath("/var/run/netns/host"))
                        .addNamespaces(LinuxNamespace.newBuilder().setType("ipc"))
                        .addNamespaces(LinuxNamespace.newBuilder().setType("uts"))
                        .addNamespaces(LinuxNamespace.newBuilder().setType("mount")));
        return s.build();
    }

    public void create(String cid, Spec spec) {
        empty("CreateContainer", CreateContainerRequest.newBuilder().setContainerId(cid).setOCI(spec).build());
    }

    public void start(String cid) {
        empty("StartContainer", StartContainerRequest.newBuilder().setContainerId(cid).build());
    }

    public int waitProcess(String cid, String exec) {
        return call("WaitProcess", WaitProcessRequest.newBuilder().setContainerId(cid).setExecId(exec).build(),
                WaitProcessResponse.parser()).getStatus();
    }

    public void signal(String cid, String exec, int sig) {
        empty("SignalProcess", SignalProcessRequest.newBuilder().setContainerId(cid).setExecId(exec).setSignal(sig).build());
    }

    public void remove(String cid) {
        empty("RemoveContainer", RemoveContainerRequest.newBuilder().setContainerId(cid).build());
    }

    public void exec(String cid, String exec, boolean terminal, String... args) {
        empty("ExecProcess", ExecProcessRequest.newBuilder().setContainerId(cid).setExecId(exec)
                .setProcess(dev.jkata.proto.agent.Process.newBuilder().setTerminal(terminal).addAllArgs(List.of(args))
                        .addEnv("PATH=/bin").setCwd("/")).build());
    }

    public void write(String cid, String exec, String data) {
        call("WriteStdin", WriteStreamRequest.newBuilder().setContainerId(cid).setExecId(exec)
                .setData(ByteString.copyFromUtf8(data)).build(), WriteStreamResponse.parser());
    }

    public void closeStdin(String cid, String exec) {
        empty("CloseStdin", CloseStdinRequest.newBuilder().setContainerId(cid).setExecId(exec).build());
    }

    /** Reads a stream until the agent reports its end (an error status). */
    public String readAll(String cid, String exec, boolean stdout) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            try {
                ReadStreamResponse r = call(stdout ? "ReadStdout" : "ReadStderr", ReadStreamRequest.newBuilder()
                        .setContainerId(cid).setExecId(exec).setLen(32768).build(), ReadStreamResponse.parser());
                r.getData().writeTo(out);
            } catch (TtrpcException e) {
                return out.toString(java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
