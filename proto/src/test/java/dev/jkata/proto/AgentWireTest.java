package dev.jkata.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor.Type;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.jkata.proto.agent.CreateContainerRequest;
import dev.jkata.proto.agent.CreateSandboxRequest;
import dev.jkata.proto.agent.ExecProcessRequest;
import dev.jkata.proto.agent.HealthCheckResponse;
import dev.jkata.proto.agent.Process;
import dev.jkata.proto.agent.Root;
import dev.jkata.proto.agent.SignalProcessRequest;
import dev.jkata.proto.agent.Spec;
import dev.jkata.proto.agent.Storage;
import dev.jkata.proto.agent.StringUser;
import dev.jkata.proto.agent.WaitProcessResponse;
import dev.jkata.proto.types.Interface;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Wire facts of the Kata agent API. Golden bytes are hand-encoded from the field numbers and
 * types of upstream kata-containers src/libs/protocols/protos/{agent,oci,types,health}.proto.
 */
class AgentWireTest {

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    static void assertWire(String golden, com.google.protobuf.Message msg) throws InvalidProtocolBufferException {
        assertEquals(golden, HexFormat.of().formatHex(msg.toByteArray()), msg.getDescriptorForType().getFullName());
        assertEquals(msg, msg.getParserForType().parseFrom(hex(golden)));
    }

    @Test
    void createContainerRequest() throws Exception {
        // container_id=1, exec_id=2, OCI=6 {Root=3 {Path=1}}, sandbox_pidns=7, stdin_port=9
        var req = CreateContainerRequest.newBuilder()
                .setContainerId("c1").setExecId("c1")
                .setOCI(Spec.newBuilder().setRoot(Root.newBuilder().setPath("/r")))
                .setSandboxPidns(true).setStdinPort(5).build();
        assertWire("0a0263311202633132061a040a022f7238014805", req);
    }

    @Test
    void execProcessRequest() throws Exception {
        // string_user=3 {uid=1}, process=4 {Terminal=1, Args=4, Cwd=6}, stdout_port=6
        var req = ExecProcessRequest.newBuilder()
                .setContainerId("c").setExecId("e")
                .setStringUser(StringUser.newBuilder().setUid("0"))
                .setProcess(Process.newBuilder().setTerminal(true).addArgs("sh").setCwd("/"))
                .setStdoutPort(6).build();
        assertWire("0a01631201651a030a0130220908012202736832012f3006", req);
    }

    @Test
    void waitStatusIsSignedInt32() throws Exception {
        // int32 -1 is a ten-byte varint on the wire
        assertWire("08ffffffffffffffffff01", WaitProcessResponse.newBuilder().setStatus(-1).build());
        assertEquals(137, WaitProcessResponse.parseFrom(hex("088901")).getStatus());
    }

    @Test
    void signalProcessRequest() throws Exception {
        assertWire("0a01631809", SignalProcessRequest.newBuilder().setContainerId("c").setSignal(9).build());
    }

    @Test
    void sharedFsStorage() throws Exception {
        // driver=1, source=3, fstype=4, options=5, mount_point=6
        var st = Storage.newBuilder().setDriver("9p").setSource("kataShared").setFstype("9p")
                .addOptions("trans=virtio").setMountPoint("/run/kata-containers/shared/containers/").build();
        assertWire("0a0239701a0a6b617461536861726564220239702a0c7472616e733d76697274696f3227"
                + "2f72756e2f6b6174612d636f6e7461696e6572732f7368617265642f636f6e7461696e6572732f", st);
        // hostname=1, storages=3, sandbox_id=5
        var sb = CreateSandboxRequest.newBuilder().setHostname("h")
                .addStorages(Storage.newBuilder().setDriver("9p")).setSandboxId("sb").build();
        assertWire("0a01681a040a0239702a027362", sb);
    }

    @Test
    void healthServing() throws Exception {
        assertWire("0801", HealthCheckResponse.newBuilder()
                .setStatus(HealthCheckResponse.ServingStatus.SERVING).build());
    }

    @Test
    void upstreamFieldNumbersAndTypes() {
        // message, field, number, type — straight from the upstream .proto files
        check(CreateContainerRequest.getDescriptor(), "devices", 4, Type.MESSAGE);
        check(CreateContainerRequest.getDescriptor(), "storages", 5, Type.MESSAGE);
        check(CreateContainerRequest.getDescriptor(), "shared_mounts", 8, Type.MESSAGE);
        check(CreateSandboxRequest.getDescriptor(), "dns", 2, Type.STRING);
        check(CreateSandboxRequest.getDescriptor(), "guest_hook_path", 6, Type.STRING);
        check(CreateSandboxRequest.getDescriptor(), "kernel_modules", 7, Type.MESSAGE);
        check(Spec.getDescriptor(), "Annotations", 7, Type.MESSAGE);
        check(Spec.getDescriptor(), "Linux", 8, Type.MESSAGE);
        check(Process.getDescriptor(), "Env", 5, Type.STRING);
        check(Process.getDescriptor(), "OOMScoreAdj", 11, Type.INT64);
        check(dev.jkata.proto.agent.Linux.getDescriptor(), "Namespaces", 6, Type.MESSAGE);
        check(dev.jkata.proto.agent.LinuxResources.getDescriptor(), "Memory", 2, Type.MESSAGE);
        check(dev.jkata.proto.agent.LinuxMemory.getDescriptor(), "Swappiness", 6, Type.UINT64);
        check(dev.jkata.proto.agent.LinuxSyscall.getDescriptor(), "errnoret", 3, Type.UINT32);
        check(dev.jkata.proto.agent.ReadStreamRequest.getDescriptor(), "len", 3, Type.UINT32);
        check(dev.jkata.proto.agent.ReseedRandomDevRequest.getDescriptor(), "data", 2, Type.BYTES);
        check(dev.jkata.proto.agent.FSGroup.getDescriptor(), "group_id", 2, Type.UINT32);
        check(dev.jkata.proto.agent.CopyFileRequest.getDescriptor(), "data", 8, Type.BYTES);
        check(dev.jkata.proto.agent.SetGuestDateTimeRequest.getDescriptor(), "Usec", 2, Type.INT64);
        check(Interface.getDescriptor(), "IPAddresses", 3, Type.MESSAGE);
        check(Interface.getDescriptor(), "raw_flags", 8, Type.UINT32);
        check(dev.jkata.proto.types.Route.getDescriptor(), "family", 6, Type.ENUM);
        check(dev.jkata.proto.types.ARPNeighbor.getDescriptor(), "flags", 5, Type.INT32);
    }

    @Test
    void upstreamProtoPackages() {
        assertEquals("grpc.CreateContainerRequest", CreateContainerRequest.getDescriptor().getFullName());
        assertEquals("grpc.Spec", Spec.getDescriptor().getFullName());
        assertEquals("types.Interface", Interface.getDescriptor().getFullName());
        assertEquals("grpc.HealthCheckResponse.ServingStatus",
                HealthCheckResponse.ServingStatus.getDescriptor().getFullName());
    }

    static void check(Descriptor d, String name, int number, Type type) {
        FieldDescriptor f = d.findFieldByName(name);
        assertNotNull(f, d.getFullName() + " lacks field " + name);
        assertEquals(number, f.getNumber(), d.getFullName() + "." + name + " number");
        assertEquals(type, f.getType(), d.getFullName() + "." + name + " type");
        assertSame(f, d.findFieldByNumber(number), d.getFullName() + " field " + number);
    }
}
