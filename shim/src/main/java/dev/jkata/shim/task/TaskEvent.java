package dev.jkata.shim.task;

import java.time.Instant;
import java.util.List;

/** What the task service tells containerd, one record per containerd event type. */
public sealed interface TaskEvent {
    /** The containerd topic, e.g. {@code /tasks/create}. */
    String topic();

    record Create(String containerId, String bundle, List<Mount> rootfs, Stdio stdio, int pid) implements TaskEvent {
        public String topic() { return "/tasks/create"; }
    }

    record Start(String containerId, int pid) implements TaskEvent {
        public String topic() { return "/tasks/start"; }
    }

    record Exit(String containerId, String id, int pid, int exitStatus, Instant exitedAt) implements TaskEvent {
        public String topic() { return "/tasks/exit"; }
    }

    record Delete(String containerId, String id, int pid, int exitStatus, Instant exitedAt) implements TaskEvent {
        public String topic() { return "/tasks/delete"; }
    }

    record ExecAdded(String containerId, String execId) implements TaskEvent {
        public String topic() { return "/tasks/exec-added"; }
    }

    record ExecStarted(String containerId, String execId, int pid) implements TaskEvent {
        public String topic() { return "/tasks/exec-started"; }
    }

    record Paused(String containerId) implements TaskEvent {
        public String topic() { return "/tasks/paused"; }
    }

    record Resumed(String containerId) implements TaskEvent {
        public String topic() { return "/tasks/resumed"; }
    }

    record Oom(String containerId) implements TaskEvent {
        public String topic() { return "/tasks/oom"; }
    }
}
