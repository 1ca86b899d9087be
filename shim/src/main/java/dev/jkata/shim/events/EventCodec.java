package dev.jkata.shim.events;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.jkata.proto.containerd.types.Mount;
import dev.jkata.proto.events.*;
import dev.jkata.proto.events.ttrpc.Envelope;
import dev.jkata.shim.task.TaskEvent;
import java.time.Instant;

/**
 * Task events as containerd's envelopes. The Any type URL is the bare proto name
 * ({@code containerd.events.TaskExit}), as containerd's typeurl registry writes it.
 */
public final class EventCodec {
    private EventCodec() {}

    public static Envelope envelope(String namespace, TaskEvent event, Instant now) {
        Message m = message(event);
        Any any = Any.newBuilder().setTypeUrl(m.getDescriptorForType().getFullName()).setValue(m.toByteString()).build();
        return Envelope.newBuilder().setTimestamp(ts(now)).setNamespace(namespace).setTopic(event.topic())
                .setEvent(any).build();
    }

    static Message message(TaskEvent event) {
        return switch (event) {
            case TaskEvent.Create c -> TaskCreate.newBuilder().setContainerId(c.containerId()).setBundle(c.bundle())
                    .addAllRootfs(c.rootfs().stream().map(m -> Mount.newBuilder().setType(m.type())
                            .setSource(m.source()).setTarget(m.target()).addAllOptions(m.options()).build()).toList())
                    .setIo(TaskIO.newBuilder().setStdin(c.stdio().stdin()).setStdout(c.stdio().stdout())
                            .setStderr(c.stdio().stderr()).setTerminal(c.stdio().terminal()))
                    .setPid(c.pid()).build();
            case TaskEvent.Start s -> TaskStart.newBuilder().setContainerId(s.containerId()).setPid(s.pid()).build();
            case TaskEvent.Exit e -> TaskExit.newBuilder().setContainerId(e.containerId()).setId(e.id())
                    .setPid(e.pid()).setExitStatus(e.exitStatus()).setExitedAt(ts(e.exitedAt())).build();
            case TaskEvent.Delete d -> TaskDelete.newBuilder().setContainerId(d.containerId()).setId(d.id())
                    .setPid(d.pid()).setExitStatus(d.exitStatus()).setExitedAt(ts(d.exitedAt())).build();
            case TaskEvent.ExecAdded a -> TaskExecAdded.newBuilder().setContainerId(a.containerId())
                    .setExecId(a.execId()).build();
            case TaskEvent.ExecStarted s -> TaskExecStarted.newBuilder().setContainerId(s.containerId())
                    .setExecId(s.execId()).setPid(s.pid()).build();
            case TaskEvent.Paused p -> TaskPaused.newBuilder().setContainerId(p.containerId()).build();
            case TaskEvent.Resumed r -> TaskResumed.newBuilder().setContainerId(r.containerId()).build();
            case TaskEvent.Oom o -> TaskOOM.newBuilder().setContainerId(o.containerId()).build();
        };
    }

    static Timestamp ts(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
