package dev.jkata.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a tree of ordered maps (values: String, Boolean, Number, List of those, Map) as indented JSON or as
 * TOML tables ({@code [Section]}, {@code [Section.Sub]}), the two output forms of {@code kata-runtime env}.
 */
final class Tree {
    private Tree() {
    }

    static String json(Map<String, Object> root) {
        StringBuilder b = new StringBuilder();
        jsonValue(b, root, "");
        return b.append('\n').toString();
    }

    private static void jsonValue(StringBuilder b, Object v, String indent) {
        switch (v) {
            case null -> b.append("null");
            case Map<?, ?> m -> {
                if (m.isEmpty()) {
                    b.append("{}");
                    return;
                }
                b.append("{\n");
                int i = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    b.append(indent).append("  ").append(quote(e.getKey().toString())).append(": ");
                    jsonValue(b, e.getValue(), indent + "  ");
                    b.append(++i < m.size() ? ",\n" : "\n");
                }
                b.append(indent).append('}');
            }
            case List<?> l -> {
                if (l.isEmpty()) {
                    b.append("[]");
                    return;
                }
                b.append("[\n");
                for (int i = 0; i < l.size(); i++) {
                    b.append(indent).append("  ");
                    jsonValue(b, l.get(i), indent + "  ");
                    b.append(i + 1 < l.size() ? ",\n" : "\n");
                }
                b.append(indent).append(']');
            }
            case Boolean x -> b.append(x);
            case Number n -> b.append(n);
            default -> b.append(quote(v.toString()));
        }
    }

    static String toml(Map<String, Object> root) {
        StringBuilder b = new StringBuilder();
        tomlTable(b, root, new ArrayList<>());
        return b.toString();
    }

    private static void tomlTable(StringBuilder b, Map<?, ?> table, List<String> path) {
        boolean plain = table.values().stream().anyMatch(v -> !(v instanceof Map));
        String indent = path.isEmpty() ? "" : "  ";
        if (!path.isEmpty() && plain) {
            b.append(b.isEmpty() ? "" : "\n").append('[').append(String.join(".", path)).append("]\n");
        }
        for (Map.Entry<?, ?> e : table.entrySet()) {
            if (!(e.getValue() instanceof Map)) {
                b.append(indent).append(e.getKey()).append(" = ").append(tomlValue(e.getValue())).append('\n');
            }
        }
        for (Map.Entry<?, ?> e : table.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> sub) {
                List<String> p = new ArrayList<>(path);
                p.add(e.getKey().toString());
                tomlTable(b, sub, p);
            }
        }
    }

    private static String tomlValue(Object v) {
        return switch (v) {
            case null -> "\"\"";
            case Boolean x -> x.toString();
            case Number n -> n.toString();
            case List<?> l -> {
                List<String> items = new ArrayList<>();
                l.forEach(x -> items.add(tomlValue(x)));
                yield "[" + String.join(", ", items) + "]";
            }
            default -> quote(v.toString());
        };
    }

    /** A JSON string literal, which is also a valid TOML basic string. */
    static String quote(String s) {
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
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
