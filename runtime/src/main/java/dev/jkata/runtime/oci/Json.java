package dev.jkata.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed access to one JSON object of a config.json, with errors that name the file, the JSON path
 * of the field and the type that was expected.
 */
record Json(Path file, String path, JsonNode node) {

    /** The child object {@code name}, or null when absent or JSON null. */
    Json object(String name) throws OciException {
        JsonNode child = node.get(name);
        if (child == null || child.isNull()) {
            return null;
        }
        if (!child.isObject()) {
            throw wrong(name, "an object", child);
        }
        return new Json(file, at(name), child);
    }

    /** The elements of the array {@code name} (each must be an object); empty when absent. */
    List<Json> objects(String name) throws OciException {
        JsonNode child = array(name);
        List<Json> out = new ArrayList<>();
        for (int i = 0; i < child.size(); i++) {
            JsonNode element = child.get(i);
            if (!element.isObject()) {
                throw wrong(name + "[" + i + "]", "an object", element);
            }
            out.add(new Json(file, at(name) + "[" + i + "]", element));
        }
        return out;
    }

    String string(String name) throws OciException {
        JsonNode child = node.get(name);
        if (child == null || child.isNull()) {
            return "";
        }
        if (!child.isTextual()) {
            throw wrong(name, "a string", child);
        }
        return child.asText();
    }

    boolean bool(String name) throws OciException {
        JsonNode child = node.get(name);
        if (child == null || child.isNull()) {
            return false;
        }
        if (!child.isBoolean()) {
            throw wrong(name, "true or false", child);
        }
        return child.asBoolean();
    }

    /** A signed 64-bit integer; 0 when absent. */
    long int64(String name) throws OciException {
        JsonNode child = node.get(name);
        if (child == null || child.isNull()) {
            return 0;
        }
        if (!child.isIntegralNumber() || !child.canConvertToLong()) {
            throw wrong(name, "an integer", child);
        }
        return child.asLong();
    }

    /** An unsigned 32-bit integer, returned in an int (as protobuf's uint32); 0 when absent. */
    int uint32(String name) throws OciException {
        long value = int64(name);
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new OciException(file + ": " + at(name) + ": expected an integer in 0..4294967295, got " + value);
        }
        return (int) value;
    }

    /** An unsigned 64-bit integer (stored in a long as protobuf's uint64); 0 when absent. */
    long uint64(String name) throws OciException {
        JsonNode child = node.get(name);
        if (child == null || child.isNull()) {
            return 0;
        }
        if (!child.isIntegralNumber()) {
            throw wrong(name, "a non-negative integer", child);
        }
        if (child.bigIntegerValue().signum() < 0 || child.bigIntegerValue().bitLength() > 64) {
            throw new OciException(file + ": " + at(name) + ": expected an integer in 0..2^64-1, got " + child);
        }
        return child.bigIntegerValue().longValue();
    }

    List<String> strings(String name) throws OciException {
        JsonNode child = array(name);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < child.size(); i++) {
            if (!child.get(i).isTextual()) {
                throw wrong(name + "[" + i + "]", "a string", child.get(i));
            }
            out.add(child.get(i).asText());
        }
        return out;
    }

    List<Integer> uint32s(String name) throws OciException {
        JsonNode child = array(name);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < child.size(); i++) {
            JsonNode element = child.get(i);
            if (!element.isIntegralNumber() || element.asLong() < 0 || element.asLong() > 0xFFFF_FFFFL) {
                throw wrong(name + "[" + i + "]", "an integer in 0..4294967295", element);
            }
            out.add((int) element.asLong());
        }
        return out;
    }

    Map<String, String> stringMap(String name) throws OciException {
        JsonNode child = node.get(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (child == null || child.isNull()) {
            return out;
        }
        if (!child.isObject()) {
            throw wrong(name, "an object of strings", child);
        }
        for (var it = child.properties().iterator(); it.hasNext();) {
            var e = it.next();
            if (!e.getValue().isTextual()) {
                throw wrong(name + "." + e.getKey(), "a string", e.getValue());
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    boolean has(String name) {
        JsonNode child = node.get(name);
        return child != null && !child.isNull();
    }

    /** Runs {@code body} on the child object {@code name} when present. */
    void ifObject(String name, OciConsumer body) throws OciException {
        Json child = object(name);
        if (child != null) {
            body.accept(child);
        }
    }

    /** A consumer that may throw {@link OciException}. */
    @FunctionalInterface
    interface OciConsumer {
        void accept(Json json) throws OciException;
    }

    private JsonNode array(String name) throws OciException {
        JsonNode child = node.get(name);
        if (child == null || child.isNull()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        }
        if (!child.isArray()) {
            throw wrong(name, "an array", child);
        }
        return child;
    }

    private String at(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private OciException wrong(String name, String expected, JsonNode got) {
        return new OciException(file + ": " + at(name) + ": expected " + expected + ", got "
                + got.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + " " + abbreviate(got.toString()));
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
