package dev.jkata.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Typed reads from one TOML table. Every read remembers the key, so {@link #unusedKeys()} lists what the
 * file holds that nobody asked for; every error names the file the value came from, the table, the key
 * and the expected form.
 */
final class TomlTable {

    private final String name;
    private final ObjectNode node;
    private final BiFunction<String, String, Path> originOf;
    private final Set<String> used = new HashSet<>();

    /**
     * @param name table name as written in the file, e.g. {@code hypervisor.qemu}
     * @param node the table's contents
     * @param originOf (table name, key) → the file that set it
     */
    TomlTable(String name, ObjectNode node, BiFunction<String, String, Path> originOf) {
        this.name = name;
        this.node = node;
        this.originOf = originOf;
    }

    String name() {
        return name;
    }

    boolean has(String key) {
        used.add(key);
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    String string(String key, String dflt) throws ConfigException {
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = node.get(key);
        if (!v.isTextual()) {
            throw mismatch(key, "a string");
        }
        return v.asText();
    }

    /** An absolute path; an empty string means {@code dflt}. */
    Path path(String key, Path dflt) throws ConfigException {
        String s = string(key, "");
        if (s.isBlank()) {
            return dflt;
        }
        Path p = Path.of(s.trim());
        if (!p.isAbsolute()) {
            throw invalid(key, "expected an absolute path, got \"" + s + "\"");
        }
        return p;
    }

    /** An integer; with {@code allowFraction} a float is accepted and rounded up (upstream's default_vcpus). */
    long integer(String key, long dflt, boolean allowFraction) throws ConfigException {
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = node.get(key);
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        if (allowFraction && v.isFloatingPointNumber()) {
            return (long) Math.ceil(v.asDouble());
        }
        throw mismatch(key, "an integer");
    }

    /** An integer in {@code [min, max]}. */
    int integer(String key, int dflt, int min, int max) throws ConfigException {
        long v = integer(key, dflt, false);
        if (v < min || v > max) {
            throw invalid(key, "expected an integer from " + min + " to " + max + ", got " + v);
        }
        return (int) v;
    }

    boolean bool(String key, boolean dflt) throws ConfigException {
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = node.get(key);
        if (!v.isBoolean()) {
            throw mismatch(key, "true or false");
        }
        return v.asBoolean();
    }

    List<String> strings(String key, List<String> dflt) throws ConfigException {
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = node.get(key);
        if (!v.isArray()) {
            throw mismatch(key, "an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw invalid(key, "expected an array of strings, got an element " + describe(e));
            }
            out.add(e.asText());
        }
        return List.copyOf(out);
    }

    /** "file: [table] key: message". */
    ConfigException invalid(String key, String message) {
        return new ConfigException(originOf.apply(name, key) + ": [" + name + "] " + key + ": " + message);
    }

    private ConfigException mismatch(String key, String expected) {
        return invalid(key, "expected " + expected + ", got " + describe(node.get(key)));
    }

    /** Keys present in the table that were never read, as {@code [table] key}. */
    List<String> unusedKeys() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = e.getKey();
            if (!used.contains(key)) {
                out.add("[" + name + "] " + key);
            }
        }
        return out;
    }

    /** A TOML value described for an error message: {@code string "two"}, {@code integer 3}, … */
    static String describe(JsonNode v) {
        if (v == null || v.isNull()) {
            return "nothing";
        }
        if (v.isTextual()) {
            return "string \"" + v.asText() + "\"";
        }
        if (v.isIntegralNumber()) {
            return "integer " + v.asText();
        }
        if (v.isNumber()) {
            return "float " + v.asText();
        }
        if (v.isBoolean()) {
            return "boolean " + v.asText();
        }
        if (v.isArray()) {
            return "an array " + v;
        }
        if (v.isObject()) {
            return "a table";
        }
        return v.getNodeType().toString().toLowerCase() + " " + v;
    }
}
