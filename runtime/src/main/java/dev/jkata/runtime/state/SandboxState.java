package dev.jkata.runtime.state;

import dev.jkata.runtime.network.NetworkState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The versioned record saved as {@code <stateDir>/state.json} after every change of a sandbox. It
 * holds what is needed to tear the sandbox down when the process that owned it is gone
 * ({@link SandboxCleaner}).
 *
 * @param schemaVersion {@link #SCHEMA_VERSION} when written by this code
 * @param sandboxId sandbox id
 * @param stateDir {@code /run/kata-containers/<sid>}
 * @param sharedDir {@code /run/kata-containers/shared/sandboxes/<sid>/shared}
 * @param vmPid host pid of the VMM (QEMU), 0 when none is running
 * @param virtiofsdPid host pid of virtiofsd, 0 when none
 * @param ownerPid pid of the host process that owns the sandbox (shim daemon), 0 when unknown
 * @param updated when the record was written
 * @param containers the sandbox's containers
 * @param network what the sandbox's networking made on the host (namespace, taps, qdiscs); null when
 *     nothing (schema version 1 files never have it)
 */
public record SandboxState(
        int schemaVersion,
        String sandboxId,
        Path stateDir,
        Path sharedDir,
        long vmPid,
        long virtiofsdPid,
        long ownerPid,
        Instant updated,
        List<ContainerState> containers,
        NetworkState network) {

    /** Version of the schema this code writes; readers refuse newer ones. 2 added {@code network}. */
    public static final int SCHEMA_VERSION = 2;

    /** A record without networking. */
    public SandboxState(int schemaVersion, String sandboxId, Path stateDir, Path sharedDir, long vmPid,
            long virtiofsdPid, long ownerPid, Instant updated, List<ContainerState> containers) {
        this(schemaVersion, sandboxId, stateDir, sharedDir, vmPid, virtiofsdPid, ownerPid, updated, containers, null);
    }

    /** The networking record, if the sandbox made anything. */
    public Optional<NetworkState> networkState() {
        return Optional.ofNullable(network);
    }

    /** A copy with another networking record. */
    public SandboxState withNetwork(NetworkState newNetwork) {
        return new SandboxState(schemaVersion, sandboxId, stateDir, sharedDir, vmPid, virtiofsdPid, ownerPid, updated,
                containers, newNetwork);
    }

    public SandboxState {
        Objects.requireNonNull(sandboxId, "sandboxId");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(sharedDir, "sharedDir");
        updated = updated == null ? Instant.now() : updated;
        containers = containers == null ? List.of() : List.copyOf(containers);
    }
}
