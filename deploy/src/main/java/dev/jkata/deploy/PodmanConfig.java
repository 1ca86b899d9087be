package dev.jkata.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Adds {@code kata = ["/opt/kata/bin/kata-runtime"]} under {@code [engine.runtimes]} of
 * /etc/containers/containers.conf (podman then runs {@code podman run --runtime kata}), editing only
 * that one line.
 */
final class PodmanConfig {
    private PodmanConfig() {
    }

    /** The new containers.conf, or empty when it already names our runtime first. */
    static Optional<FileEdit> plan(DeployPaths paths, Optional<String> current) throws DeployException {
        Path file = paths.podmanContainersConf();
        String binary = paths.kataRuntimeBinary();
        String entry = "kata = [" + TomlWriter.string(binary) + "]";
        if (current.isEmpty() || current.get().isBlank()) {
            return Optional.of(new FileEdit(file, "[engine.runtimes]\n" + entry + "\n"));
        }
        String text = current.get();
        ObjectNode doc = TomlFiles.parse(file, text);
        JsonNode kata = doc.path("engine").path("runtimes").path("kata");
        if (kata.isArray() && !kata.isEmpty() && binary.equals(kata.get(0).textValue())) {
            return Optional.empty();
        }
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (isHeader(lines.get(i), "engine.runtimes")) {
                header = i;
                break;
            }
        }
        if (header < 0) {
            if (!doc.path("engine").path("runtimes").isMissingNode()) {
                throw new DeployException(file + ": engine.runtimes is defined without an [engine.runtimes] header;"
                        + " add kata = [\"" + binary + "\"] there by hand");
            }
            String sep = text.endsWith("\n") ? "\n" : "\n\n";
            return Optional.of(new FileEdit(file, text + sep + "[engine.runtimes]\n" + entry + "\n"));
        }
        for (int i = header + 1; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (t.startsWith("[")) {
                break;
            }
            if (t.startsWith("kata") && t.substring(4).strip().startsWith("=")) {
                if (!t.contains("]")) {
                    throw new DeployException(file + ": line " + (i + 1)
                            + ": [engine.runtimes] kata spans several lines; replace it by " + entry);
                }
                lines.set(i, entry);
                return Optional.of(new FileEdit(file, String.join("\n", lines)));
            }
        }
        lines.add(header + 1, entry);
        return Optional.of(new FileEdit(file, String.join("\n", lines)));
    }

    private static boolean isHeader(String line, String table) {
        String t = line.strip();
        int hash = t.indexOf('#');
        if (hash >= 0) {
            t = t.substring(0, hash).strip();
        }
        if (!t.startsWith("[") || t.startsWith("[[") || !t.endsWith("]")) {
            return false;
        }
        return t.substring(1, t.length() - 1).replace(" ", "").equals(table);
    }
}
