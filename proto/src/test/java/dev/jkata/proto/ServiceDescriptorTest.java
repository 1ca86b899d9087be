package dev.jkata.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.jkata.proto.agent.AgentProto;
import dev.jkata.proto.agent.HealthProto;
import dev.jkata.proto.events.ttrpc.EventsProto;
import dev.jkata.proto.task.ShimProto;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every upstream service method exists under its upstream name, with upstream request/response types. */
class ServiceDescriptorTest {

    static final List<String> AGENT_METHODS = List.of(
            "CreateContainer", "StartContainer", "RemoveContainer", "ExecProcess", "SignalProcess",
            "WaitProcess", "UpdateContainer", "UpdateEphemeralMounts", "StatsContainer", "PauseContainer",
            "ResumeContainer", "RemoveStaleVirtiofsShareMounts", "WriteStdin", "ReadStdout", "ReadStderr",
            "CloseStdin", "TtyWinResize", "UpdateInterface", "UpdateRoutes", "ListInterfaces", "ListRoutes",
            "AddARPNeighbors", "GetIPTables", "SetIPTables", "GetMetrics", "MemAgentMemcgSet",
            "MemAgentCompactSet", "CreateSandbox", "DestroySandbox", "OnlineCPUMem", "ReseedRandomDev",
            "GetGuestDetails", "MemHotplugByProbe", "SetGuestDateTime", "CopyFile", "GetOOMEvent", "AddSwap",
            "GetVolumeStats", "ResizeVolume", "SetPolicy");

    static final List<String> TASK_METHODS = List.of(
            "State", "Create", "Start", "Delete", "Pids", "Pause", "Resume", "Checkpoint", "Kill", "Exec",
            "ResizePty", "CloseIO", "Update", "Wait", "Stats", "Connect", "Shutdown");

    @Test
    void agentService() {
        var svc = AgentProto.getDescriptor().findServiceByName("AgentService");
        assertNotNull(svc);
        assertEquals("grpc.AgentService", svc.getFullName());
        assertEquals(new TreeSet<>(AGENT_METHODS), methodNames(svc));
        signature(svc, "CreateContainer", "grpc.CreateContainerRequest", "google.protobuf.Empty");
        signature(svc, "WaitProcess", "grpc.WaitProcessRequest", "grpc.WaitProcessResponse");
        signature(svc, "ReadStderr", "grpc.ReadStreamRequest", "grpc.ReadStreamResponse");
        signature(svc, "WriteStdin", "grpc.WriteStreamRequest", "grpc.WriteStreamResponse");
        signature(svc, "UpdateInterface", "grpc.UpdateInterfaceRequest", "types.Interface");
        signature(svc, "ListRoutes", "grpc.ListRoutesRequest", "grpc.Routes");
        signature(svc, "GetGuestDetails", "grpc.GuestDetailsRequest", "grpc.GuestDetailsResponse");
        signature(svc, "GetOOMEvent", "grpc.GetOOMEventRequest", "grpc.OOMEvent");
        signature(svc, "GetVolumeStats", "grpc.VolumeStatsRequest", "grpc.VolumeStatsResponse");
        signature(svc, "StatsContainer", "grpc.StatsContainerRequest", "grpc.StatsContainerResponse");
    }

    @Test
    void healthService() {
        var svc = HealthProto.getDescriptor().findServiceByName("Health");
        assertEquals("grpc.Health", svc.getFullName());
        assertEquals(new TreeSet<>(List.of("Check", "Version")), methodNames(svc));
        signature(svc, "Check", "grpc.CheckRequest", "grpc.HealthCheckResponse");
        signature(svc, "Version", "grpc.CheckRequest", "grpc.VersionCheckResponse");
    }

    @Test
    void taskService() {
        var svc = ShimProto.getDescriptor().findServiceByName("Task");
        assertEquals("containerd.task.v2.Task", svc.getFullName());
        assertEquals(new TreeSet<>(TASK_METHODS), methodNames(svc));
        signature(svc, "Create", "containerd.task.v2.CreateTaskRequest", "containerd.task.v2.CreateTaskResponse");
        signature(svc, "Exec", "containerd.task.v2.ExecProcessRequest", "google.protobuf.Empty");
        signature(svc, "Wait", "containerd.task.v2.WaitRequest", "containerd.task.v2.WaitResponse");
        signature(svc, "Checkpoint", "containerd.task.v2.CheckpointTaskRequest", "google.protobuf.Empty");
        signature(svc, "Update", "containerd.task.v2.UpdateTaskRequest", "google.protobuf.Empty");
    }

    @Test
    void eventsService() {
        var svc = EventsProto.getDescriptor().findServiceByName("Events");
        assertEquals("containerd.services.events.ttrpc.v1.Events", svc.getFullName());
        assertEquals(new TreeSet<>(List.of("Forward")), methodNames(svc));
        signature(svc, "Forward", "containerd.services.events.ttrpc.v1.ForwardRequest", "google.protobuf.Empty");
    }

    static TreeSet<String> methodNames(ServiceDescriptor svc) {
        var names = new TreeSet<String>();
        svc.getMethods().forEach(m -> names.add(m.getName()));
        return names;
    }

    static void signature(ServiceDescriptor svc, String method, String in, String out) {
        var m = svc.findMethodByName(method);
        assertNotNull(m, svc.getFullName() + " lacks " + method);
        assertEquals(in, m.getInputType().getFullName(), method + " request");
        assertEquals(out, m.getOutputType().getFullName(), method + " response");
    }
}
