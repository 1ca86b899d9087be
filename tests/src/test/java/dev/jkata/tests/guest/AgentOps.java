package dev.jkata.tests.guest;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.jkata.proto.agent.CreateContainerRequest;
import dev.jkata.proto.agent.CreateSandboxRequest;
import dev.jkata.proto.agent.ExecProcessRequest;
import dev.jkata.proto.agent.Linux;
import dev.jkata.proto.agent.LinuxNamespace;
import dev.jkata.proto.agent.Mount;
import dev.jkata.proto.agent.Process;
import dev.jkata.proto.agent.ReadStreamRequest;
import dev.jkata.proto.agent.ReadStreamResponse;
import dev.jkata.proto.agent.Root;
import dev.jkata.proto.agent.SignalProcessRequest;
import dev.jkata.proto.agent.Spec;
import dev.jkata.proto.agent.StartContainerRequest;
import dev.jkata.proto.agent.StatsContainerRequest;
import dev.jkata.proto.agent.StatsContainerResponse;
import dev.jkata.proto.agent.Storage;
import dev.jkata.proto.agent.TtyWinResizeRequest;
import dev.jkata.proto.agent.User;
import dev.jkata.proto.agent.WaitProcessRequest;
import dev.jkata.proto.agent.WaitProcessResponse;
import dev.jkata.proto.agent.WriteStreamRequest;
import dev.jkata.proto.agent.WriteStreamResponse;
import dev.jkata.ttrpc.TtrpcClient;
import dev.jkata.ttrpc.TtrpcException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** The agent calls the guest tests make, shaped as the Kata runtime makes them. */
final class AgentOps {
    static final String SVC = "grpc.AgentService";
    static final String GUEST_SHARED = "/run/kata-containers/shared/containers/";
    static final Duration T = Duration.ofSeconds(60);

    private final TtrpcClient c;

    AgentOps(TtrpcClient c) {
        this.c = c;
    }

    <R extends Message> R call(String method, Message req, Parser<R> parser) {
        return c.call(SVC, method, req, parser, T);
    }

    /** CreateSandbox with the shared directory as Kata sends it (CONVENTIONS.md). */
    void createSandbox(String sandboxId, VmConfig.Share share) {
        CreateSandboxRequest.Builder b = CreateSandboxRequest.newBuilder().setSandboxId(sandboxId)
                .setHostname("guest-it");
        switch (share) {
            case VIRTIO_FS -> b.addStorages(Storage.newBuilder().setDriver("virtio-fs").setSource(GuestVm.SHARE_TAG)
                    .setFstype("virtiofs").setMountPoint(GUEST_SHARED));
            case NINE_P -> b.addStorages(Storage.newBuilder().setDriver("9p").setSource(GuestVm.SHARE_TAG)
                    .setFstype("9p").addAllOptions(List.of("trans=virtio", "version=9p2000.L", "msize=262144"))
                    .setMountPoint(GUEST_SHARED));
            case NONE -> { }
        }
        call("CreateSandbox", b.build(), Empty.parser());
    }

    static Process process(boolean terminal, String... args) {
        Process.Builder p = Process.newBuilder().setTerminal(terminal).addAllArgs(List.of(args)).setCwd("/")
                .addEnv("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
                .setUser(User.newBuilder().setUID(0).setGID(0));
        if (terminal) {
            p.addEnv("TERM=xterm");
        }
        return p.build();
    }

    /** An OCI spec like containerd's default for a busybox container whose rootfs is in the shared dir. */
    static Spec spec(String cid, Process process) {
        return Spec.newBuilder().setVersion("1.0.2").setProcess(process).setHostname(cid)
                .setRoot(Root.newBuilder().setPath(GUEST_SHARED + cid + "/rootfs"))
                .addMounts(Mount.newBuilder().setDestination("/proc").setSource("proc").setType("proc")
                        .addAllOptions(List.of("nosuid", "noexec", "nodev")))
                .addMounts(Mount.newBuilder().setDestination("/dev").setSource("tmpfs").setType("tmpfs")
                        .addAllOptions(List.of("nosuid", "strictatime", "mode=755", "size=65536k")))
                .addMounts(Mount.newBuilder().setDestination("/dev/pts").setSource("devpts").setType("devpts")
                        .addAllOptions(List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")))
                .addMounts(Mount.newBuilder().setDestination("/dev/shm").setSource("shm").setType("tmpfs")
                        .addAllOptions(List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")))
                .addMounts(Mount.newBuilder().setDestination("/sys").setSource("sysfs").setType("sysfs")
                        .addAllOptions(List.of("nosuid", "noexec", "nodev", "ro")))
                .setLinux(Linux.newBuilder()
                        .addNamespaces(LinuxNamespace.newBuilder().setType("pid"))
                        .addNamespaces(LinuxNamespace.newBuilder().setType("ipc"))
                        .addNamespaces(LinuxNamespace.newBuilder().setType("uts"))
                        .addNamespaces(LinuxNamespace.newBuilder().setType("mount")))
                .build();
    }

    void createContainer(String cid, Process process) {
        call("CreateContainer", CreateContainerRequest.newBuilder().setContainerId(cid).setExecId(cid)
                .setOCI(spec(cid, process)).build(), Empty.parser());
    }

    void start(String cid) {
        call("StartContainer", StartContainerRequest.newBuilder().setContainerId(cid).build(), Empty.parser());
    }

    void exec(String cid, String execId, Process process) {
        call("ExecProcess", ExecProcessRequest.newBuilder().setContainerId(cid).setExecId(execId)
                .setProcess(process).build(), Empty.parser());
    }

    int waitProcess(String cid, String execId) {
        return call("WaitProcess", WaitProcessRequest.newBuilder().setContainerId(cid).setExecId(execId).build(),
                WaitProcessResponse.parser()).getStatus();
    }

    void signal(String cid, String execId, int signal) {
        call("SignalProcess", SignalProcessRequest.newBuilder().setContainerId(cid).setExecId(execId)
                .setSignal(signal).build(), Empty.parser());
    }

    void resize(String cid, String execId, int rows, int cols) {
        call("TtyWinResize", TtyWinResizeRequest.newBuilder().setContainerId(cid).setExecId(execId).setRow(rows)
                .setColumn(cols).build(), Empty.parser());
    }

    void writeStdin(String cid, String execId, String data) {
        call("WriteStdin", WriteStreamRequest.newBuilder().setContainerId(cid).setExecId(execId)
                .setData(ByteString.copyFromUtf8(data)).build(), WriteStreamResponse.parser());
    }

    StatsContainerResponse stats(String cid) {
        return call("StatsContainer", StatsContainerRequest.newBuilder().setContainerId(cid).build(),
                StatsContainerResponse.parser());
    }

    /** One ReadStdout; null at end of stream (the agent answers an error once the pipe is closed). */
    byte[] readStdoutOnce(String cid, String execId) {
        try {
            ReadStreamResponse r = call("ReadStdout", ReadStreamRequest.newBuilder().setContainerId(cid)
                    .setExecId(execId).setLen(32 * 1024).build(), ReadStreamResponse.parser());
            return r.getData().toByteArray();
        } catch (TtrpcException e) {
            return null;
        }
    }

    /** Reads stdout until end of stream. */
    String readStdoutAll(String cid, String execId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b;
        while ((b = readStdoutOnce(cid, execId)) != null) {
            out.writeBytes(b);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Reads stdout until it contains {@code marker} (or the stream ends); returns what was read. */
    String readStdoutUntil(String cid, String execId, String marker) {
        StringBuilder sb = new StringBuilder();
        byte[] b;
        while (!sb.toString().contains(marker) && (b = readStdoutOnce(cid, execId)) != null) {
            sb.append(new String(b, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }
}
