package dev.jkata.shim.cli;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Timestamp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code delete}: containerd runs it after a failed create or when the shim died. It cleans the
 * sandbox's host state and answers a containerd.task.v2.DeleteResponse (pid = 1, exit_status = 2,
 * exited_at = 3) on stdout, reporting the process as killed (128 + SIGKILL), as Kata does.
 */
public final class DeleteCommand {
    public static final int KILLED = 128 + 9;

    /** Removes what a sandbox or container left on the host. */
    @FunctionalInterface
    public interface Cleaner {
        void cleanup(String namespace, String sandboxId, String containerId, Path bundle);
    }

    private final Cleaner cleaner;

    public DeleteCommand(Cleaner cleaner) {
        this.cleaner = cleaner;
    }

    public byte[] run(ShimFlags flags, Path bundle, Instant now) {
        flags.requireIdentity();
        String sandboxId = flags.id();
        BundleSpec spec = null;
        try {
            spec = BundleSpec.read(bundle);
        } catch (RuntimeException e) {
            // containerd may call delete on a half-made bundle: clean what the id names
        }
        if (spec != null && spec.containerType() == BundleSpec.ContainerType.POD_CONTAINER) {
            sandboxId = spec.sandboxId().orElse(flags.id());
        }
        cleaner.cleanup(flags.namespace(), sandboxId, flags.id(), bundle);
        return encode(0, KILLED, now);
    }

    static byte[] encode(int pid, int exitStatus, Instant at) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            if (pid != 0) {
                out.writeUInt32(1, pid);
            }
            out.writeUInt32(2, exitStatus);
            out.writeMessage(3, Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory protobuf encoding failed", e);
        }
    }
}
