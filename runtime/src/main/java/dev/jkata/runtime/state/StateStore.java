package dev.jkata.runtime.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jkata.runtime.network.NetworkState;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Reads and atomically writes {@code <stateDir>/state.json}. Stateless; safe from any thread. */
public final class StateStore {

    /** The file name inside a sandbox's state directory. */
    public static final String FILE_NAME = "state.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private StateStore() {
    }

    /** The state file of a sandbox state directory. */
    public static Path file(Path stateDir) {
        return stateDir.resolve(FILE_NAME);
    }

    /** Writes the record (temporary file + rename, so readers never see half a file). */
    public static void save(SandboxState state) throws StateException {
        Path file = file(state.stateDir());
        Path tmp = state.stateDir().resolve(FILE_NAME + ".tmp");
        try {
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(state)));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StateException("writing sandbox state " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the record of a sandbox state directory.
     *
     * @throws StateException when the file is missing, not JSON, of a newer schema or lacks a field
     */
    public static SandboxState load(Path stateDir) throws StateException {
        Path file = file(stateDir);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new StateException("sandbox state " + file + " does not exist", e);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new StateException("sandbox state " + file + " is not valid JSON"
                    + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr())
                    + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new StateException("reading sandbox state " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new StateException("sandbox state " + file + ": expected a JSON object");
        }
        return fromJson(file, root);
    }

    static ObjectNode toJson(SandboxState state) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", state.schemaVersion());
        root.put("sandboxId", state.sandboxId());
        root.put("stateDir", state.stateDir().toString());
        root.put("sharedDir", state.sharedDir().toString());
        root.put("vmPid", state.vmPid());
        root.put("virtiofsdPid", state.virtiofsdPid());
        root.put("ownerPid", state.ownerPid());
        root.put("updated", state.updated().toString());
        ArrayNode containers = root.putArray("containers");
        for (ContainerState c : state.containers()) {
            ObjectNode node = containers.addObject();
            node.put("id", c.id());
            node.put("bundle", c.bundle() == null ? null : c.bundle().toString());
            node.put("status", c.status());
            ArrayNode mounts = node.putArray("mounts");
            c.mounts().forEach(m -> mounts.add(m.toString()));
        }
        if (state.network() != null) {
            NetworkState n = state.network();
            ObjectNode net = root.putObject("network");
            net.put("netns", n.netns().toString());
            net.put("netnsCreated", n.netnsCreated());
            ArrayNode links = net.putArray("links");
            for (NetworkState.Link l : n.links()) {
                links.addObject().put("veth", l.veth()).put("tap", l.tap());
            }
        }
        return root;
    }

    static SandboxState fromJson(Path file, JsonNode root) throws StateException {
        int version = required(file, root, "schemaVersion").asInt(-1);
        if (version < 1 || version > SandboxState.SCHEMA_VERSION) {
            throw new StateException("sandbox state " + file + ": schemaVersion " + version
                    + " is not supported (expected 1.." + SandboxState.SCHEMA_VERSION + ")");
        }
        List<ContainerState> containers = new ArrayList<>();
        JsonNode list = root.path("containers");
        if (!list.isMissingNode() && !list.isArray()) {
            throw new StateException("sandbox state " + file + ": \"containers\" must be an array");
        }
        for (JsonNode c : list) {
            List<Path> mounts = new ArrayList<>();
            for (JsonNode m : c.path("mounts")) {
                mounts.add(Path.of(m.asText()));
            }
            String bundle = c.path("bundle").isTextual() ? c.get("bundle").asText() : null;
            containers.add(new ContainerState(required(file, c, "id").asText(),
                    bundle == null ? null : Path.of(bundle), c.path("status").asText("unknown"), mounts));
        }
        Instant updated;
        try {
            updated = root.hasNonNull("updated") ? Instant.parse(root.get("updated").asText()) : null;
        } catch (DateTimeParseException e) {
            throw new StateException("sandbox state " + file + ": \"updated\" is not an ISO-8601 instant", e);
        }
        return new SandboxState(version,
                required(file, root, "sandboxId").asText(),
                Path.of(required(file, root, "stateDir").asText()),
                Path.of(required(file, root, "sharedDir").asText()),
                root.path("vmPid").asLong(0),
                root.path("virtiofsdPid").asLong(0),
                root.path("ownerPid").asLong(0),
                updated,
                containers,
                version >= 2 ? network(file, root.get("network")) : null);
    }

    private static NetworkState network(Path file, JsonNode net) throws StateException {
        if (net == null || net.isNull()) {
            return null;
        }
        if (!net.isObject()) {
            throw new StateException("sandbox state " + file + ": \"network\" must be an object");
        }
        List<NetworkState.Link> links = new ArrayList<>();
        for (JsonNode l : net.path("links")) {
            links.add(new NetworkState.Link(required(file, l, "veth").asText(), required(file, l, "tap").asText()));
        }
        return new NetworkState(Path.of(required(file, net, "netns").asText()), net.path("netnsCreated").asBoolean(false),
                links);
    }

    private static JsonNode required(Path file, JsonNode node, String field) throws StateException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new StateException("sandbox state " + file + ": missing field \"" + field + "\"");
        }
        return value;
    }
}
