package dev.jkata.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Adds {@code runtimes.kata.path = /opt/kata/bin/kata-runtime} to docker's daemon.json, keeping every
 * other key (docker then runs {@code docker run --runtime kata}).
 */
final class DockerConfig {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerConfig() {
    }

    /** The new daemon.json, or empty when it already names our runtime. */
    static Optional<FileEdit> plan(DeployPaths paths, Optional<String> current) throws DeployException {
        Path file = paths.dockerDaemonJson();
        ObjectNode root;
        if (current.isEmpty() || current.get().isBlank()) {
            root = JSON.createObjectNode();
        } else {
            JsonNode parsed;
            try {
                parsed = JSON.readTree(current.get());
            } catch (JsonProcessingException e) {
                throw new DeployException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
            }
            if (!parsed.isObject()) {
                throw new DeployException(file + ": expected a JSON object, got " + parsed.getNodeType());
            }
            root = (ObjectNode) parsed;
        }
        String binary = paths.kataRuntimeBinary();
        if (binary.equals(root.path("runtimes").path("kata").path("path").textValue())) {
            return Optional.empty();
        }
        JsonNode runtimes = root.get("runtimes");
        if (runtimes != null && !runtimes.isObject()) {
            throw new DeployException(file + ": runtimes: expected an object, got " + runtimes.getNodeType());
        }
        ObjectNode rts = runtimes == null ? root.putObject("runtimes") : (ObjectNode) runtimes;
        JsonNode kata = rts.get("kata");
        ObjectNode k = kata != null && kata.isObject() ? (ObjectNode) kata : rts.putObject("kata");
        k.put("path", binary);
        return Optional.of(new FileEdit(file, pretty(root)));
    }

    static String pretty(JsonNode node) throws DeployException {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(
                Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        try {
            return JSON.writer(printer).writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new DeployException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}
