package dev.jkata.proto;

import static dev.jkata.proto.AgentWireTest.assertWire;
import static dev.jkata.proto.AgentWireTest.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.jkata.proto.containerd.task.Status;
import dev.jkata.proto.containerd.types.Mount;
import dev.jkata.proto.events.TaskExit;
import dev.jkata.proto.events.ttrpc.Envelope;
import dev.jkata.proto.events.ttrpc.ForwardRequest;
import dev.jkata.proto.rpc.Status.Builder;
import dev.jkata.proto.runtimeoptions.Options;
import dev.jkata.proto.task.CreateTaskRequest;
import dev.jkata.proto.task.StateResponse;
import dev.jkata.proto.ttrpc.KeyValue;
import dev.jkata.proto.ttrpc.Request;
import dev.jkata.proto.ttrpc.Response;
import org.junit.jupiter.api.Test;

/**
 * Wire facts of the containerd side: shim task v2, events, runtime options, cgroup metrics and
 * the ttrpc envelope. Golden bytes are hand-encoded from the upstream field numbers and types.
 */
class ContainerdWireTest {

    @Test
    void runtimeOptionsConfigPathIsField2() throws Exception {
        assertWire("12072f632e746f6d6c", Options.newBuilder().setConfigPath("/c.toml").build());
        assertEquals("runtimeoptions.v1.Options", Options.getDescriptor().getFullName());
    }

    @Test
    void createTaskRequest() throws Exception {
        // id=1, bundle=2, rootfs=3 {type=1, source=2, options=4}, stdout=6,
        // options=10 Any {type_url=1, value=2}; containerd sends the bare type name as type_url
        var opts = Any.newBuilder().setTypeUrl("runtimeoptions.v1.Options")
                .setValue(Options.newBuilder().setConfigPath("/c.toml").build().toByteString());
        var req = CreateTaskRequest.newBuilder().setId("t").setBundle("/b")
                .addRootfs(Mount.newBuilder().setType("bind").setSource("/s").addOptions("rbind"))
                .setStdout("/o").setOptions(opts).build();
        assertWire("0a017412022f621a110a0462696e6412022f7322057262696e6432022f6f52260a1972756e74696d65"
                + "6f7074696f6e732e76312e4f7074696f6e73120912072f632e746f6d6c", req);
        var parsed = CreateTaskRequest.parseFrom(hex("0a017452260a1972756e74696d656f7074696f6e732e7631"
                + "2e4f7074696f6e73120912072f632e746f6d6c"));
        assertEquals("/c.toml", Options.parseFrom(parsed.getOptions().getValue()).getConfigPath());
    }

    @Test
    void stateResponse() throws Exception {
        // id=1, pid=3, status=4 (containerd.v1.types.Status RUNNING=2), exec_id=11
        assertWire("0a0174182a20025a0165", StateResponse.newBuilder().setId("t").setPid(42)
                .setStatus(Status.RUNNING).setExecId("e").build());
        assertEquals(5, Status.PAUSING.getNumber());
    }

    @Test
    void forwardedTaskExit() throws Exception {
        // TaskExit: container_id=1, id=2, pid=3, exit_status=4, exited_at=5;
        // ForwardRequest.envelope=1 {timestamp=1, namespace=2, topic=3, event=4}
        var exit = TaskExit.newBuilder().setContainerId("t").setId("t").setPid(42).setExitStatus(137)
                .setExitedAt(Timestamp.newBuilder().setSeconds(1)).build();
        assertWire("0a0174120174182a2089012a020801", exit);
        var fwd = ForwardRequest.newBuilder().setEnvelope(Envelope.newBuilder()
                .setTimestamp(Timestamp.newBuilder().setSeconds(1)).setNamespace("default")
                .setTopic("/tasks/exit").setEvent(Any.newBuilder()
                        .setTypeUrl(TaskExit.getDescriptor().getFullName()).setValue(exit.toByteString())))
                .build();
        assertWire("0a490a020801120764656661756c741a0b2f7461736b732f65786974222d0a1a636f6e7461696e657264"
                + "2e6576656e74732e5461736b45786974120f0a0174120174182a2089012a020801", fwd);
    }

    @Test
    void ttrpcEnvelope() throws Exception {
        // Request: service=1, method=2, payload=3, timeout_nano=4, metadata=5 {key=1, value=2}
        var req = Request.newBuilder().setService("grpc.AgentService").setMethod("WaitProcess")
                .setPayload(ByteString.copyFrom(hex("0a0163"))).setTimeoutNano(1_000_000_000L)
                .addMetadata(KeyValue.newBuilder().setKey("k").setValue("v")).build();
        assertWire("0a11677270632e4167656e7453657276696365120b5761697450726f636573731a030a0163208094ebdc03"
                + "2a060a016b120176", req);
        // Response: status=1 google.rpc.Status {code=1, message=2}, payload=2
        Builder status = dev.jkata.proto.rpc.Status.newBuilder().setCode(5).setMessage("x");
        assertWire("0a05080512017812020801", Response.newBuilder().setStatus(status)
                .setPayload(ByteString.copyFrom(hex("0801"))).build());
    }

    @Test
    void cgroupMetrics() throws Exception {
        // v1: Metrics.memory=4, MemoryStat.usage=33, MemoryEntry.usage=2
        assertWire("22058a02021064", dev.jkata.proto.cgroups.v1.Metrics.newBuilder()
                .setMemory(dev.jkata.proto.cgroups.v1.MemoryStat.newBuilder()
                        .setUsage(dev.jkata.proto.cgroups.v1.MemoryEntry.newBuilder().setUsage(100)))
                .build());
        // v2: Metrics.memory=4, MemoryStat.usage=32
        assertWire("2203800264", dev.jkata.proto.cgroups.v2.Metrics.newBuilder()
                .setMemory(dev.jkata.proto.cgroups.v2.MemoryStat.newBuilder().setUsage(100)).build());
        assertEquals("io.containerd.cgroups.v1.Metrics",
                dev.jkata.proto.cgroups.v1.Metrics.getDescriptor().getFullName());
        assertEquals("io.containerd.cgroups.v2.Metrics",
                dev.jkata.proto.cgroups.v2.Metrics.getDescriptor().getFullName());
    }

    @Test
    void eventTypeNames() {
        // Events travel in an Any whose type_url is the proto full name.
        for (var d : new com.google.protobuf.Descriptors.Descriptor[] {
                dev.jkata.proto.events.TaskCreate.getDescriptor(), dev.jkata.proto.events.TaskStart.getDescriptor(),
                dev.jkata.proto.events.TaskDelete.getDescriptor(), dev.jkata.proto.events.TaskIO.getDescriptor(),
                TaskExit.getDescriptor(), dev.jkata.proto.events.TaskOOM.getDescriptor(),
                dev.jkata.proto.events.TaskExecAdded.getDescriptor(),
                dev.jkata.proto.events.TaskExecStarted.getDescriptor(),
                dev.jkata.proto.events.TaskPaused.getDescriptor(), dev.jkata.proto.events.TaskResumed.getDescriptor(),
                dev.jkata.proto.events.TaskCheckpointed.getDescriptor()}) {
            assertEquals("containerd.events." + d.getName(), d.getFullName());
        }
        assertEquals("containerd.types.Mount", Mount.getDescriptor().getFullName());
        assertEquals("containerd.v1.types.ProcessInfo",
                dev.jkata.proto.containerd.task.ProcessInfo.getDescriptor().getFullName());
        assertEquals(5, dev.jkata.proto.events.TaskDelete.getDescriptor().findFieldByName("id").getNumber());
        assertEquals(6, TaskExit.getDescriptor().findFieldByName("exit_reason").getNumber());
    }
}
