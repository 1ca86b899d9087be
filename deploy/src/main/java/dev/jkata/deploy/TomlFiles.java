package dev.jkata.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Path;

/** Parses TOML files into Jackson trees with errors that name the file. */
final class TomlFiles {
    private static final TomlMapper MAPPER = new TomlMapper();

    private TomlFiles() {
    }

    static ObjectNode parse(Path file, String text) throws DeployException {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode() || node.isNull()) {
                return MAPPER.createObjectNode();
            }
            return (ObjectNode) node;
        } catch (IOException e) {
            throw new DeployException(file + ": not valid TOML: " + firstLine(e.getMessage()), e);
        }
    }

    static ObjectNode newTable() {
        return MAPPER.createObjectNode();
    }

    /** The table at a dotted path, creating the missing ones. Fails when a key on the way is not a table. */
    static ObjectNode table(Path file, ObjectNode root, String... path) throws DeployException {
        ObjectNode cur = root;
        StringBuilder seen = new StringBuilder();
        for (String k : path) {
            seen.append(seen.isEmpty() ? "" : ".").append(TomlWriter.key(k));
            JsonNode next = cur.get(k);
            if (next == null) {
                cur = cur.putObject(k);
            } else if (next.isObject()) {
                cur = (ObjectNode) next;
            } else {
                throw new DeployException(file + ": " + seen + ": expected a table, got " + next.getNodeType());
            }
        }
        return cur;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
