package dev.jkata.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a TOML document from a Jackson tree (as read by jackson-dataformat-toml): plain keys first,
 * then one {@code [table]} header per sub-table, keys in tree order, so the same tree always gives
 * the same bytes.
 */
final class TomlWriter {
    private static final Pattern BARE_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    private TomlWriter() {
    }

    static String write(ObjectNode document) {
        StringBuilder out = new StringBuilder();
        writeTable(out, List.of(), document, false);
        return out.toString();
    }

    private static void writeTable(StringBuilder out, List<String> path, ObjectNode table, boolean header) {
        List<Map.Entry<String, JsonNode>> tables = new ArrayList<>();
        List<Map.Entry<String, JsonNode>> tableArrays = new ArrayList<>();
        boolean hasPlain = false;
        for (Map.Entry<String, JsonNode> e : table.properties()) {
            if (e.getValue().isObject()) {
                tables.add(e);
            } else if (isArrayOfTables(e.getValue())) {
                tableArrays.add(e);
            } else {
                hasPlain = true;
            }
        }
        if (header && (hasPlain || tables.isEmpty() && tableArrays.isEmpty())) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append('[').append(dotted(path)).append("]\n");
        }
        for (Map.Entry<String, JsonNode> e : table.properties()) {
            if (!e.getValue().isObject() && !isArrayOfTables(e.getValue())) {
                out.append(key(e.getKey())).append(" = ").append(value(e.getValue())).append('\n');
            }
        }
        for (Map.Entry<String, JsonNode> e : tables) {
            writeTable(out, append(path, e.getKey()), (ObjectNode) e.getValue(), true);
        }
        for (Map.Entry<String, JsonNode> e : tableArrays) {
            for (JsonNode element : e.getValue()) {
                out.append("\n[[").append(dotted(append(path, e.getKey()))).append("]]\n");
                StringBuilder inner = new StringBuilder();
                writeTable(inner, append(path, e.getKey()), (ObjectNode) element, false);
                out.append(inner);
            }
        }
    }

    private static boolean isArrayOfTables(JsonNode node) {
        if (!node.isArray() || node.isEmpty()) {
            return false;
        }
        for (JsonNode element : node) {
            if (!element.isObject()) {
                return false;
            }
        }
        return true;
    }

    private static List<String> append(List<String> path, String key) {
        List<String> p = new ArrayList<>(path);
        p.add(key);
        return p;
    }

    static String dotted(List<String> path) {
        StringBuilder b = new StringBuilder();
        for (String k : path) {
            if (!b.isEmpty()) {
                b.append('.');
            }
            b.append(key(k));
        }
        return b.toString();
    }

    static String key(String k) {
        return BARE_KEY.matcher(k).matches() ? k : string(k);
    }

    static String value(JsonNode v) {
        if (v.isTextual()) {
            return string(v.textValue());
        } else if (v.isBoolean() || v.isIntegralNumber()) {
            return v.asText();
        } else if (v.isNumber()) {
            double d = v.doubleValue();
            if (Double.isNaN(d)) {
                return "nan";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "inf" : "-inf";
            }
            return v.asText();
        } else if (v.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode e : v) {
                items.add(e.isObject() ? inlineTable((ObjectNode) e) : value(e));
            }
            return "[" + String.join(", ", items) + "]";
        } else if (v.isObject()) {
            return inlineTable((ObjectNode) v);
        }
        return string(v.asText());
    }

    private static String inlineTable(ObjectNode t) {
        List<String> items = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : t.properties()) {
            items.add(key(e.getKey()) + " = " + value(e.getValue()));
        }
        return "{" + String.join(", ", items) + "}";
    }

    static String string(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04X", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
