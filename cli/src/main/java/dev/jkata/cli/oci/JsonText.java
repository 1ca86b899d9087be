package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader and writer for the OCI verbs' outputs and the daemon protocol: values are
 * {@code Map<String,Object>}, {@code List<Object>}, {@code String}, {@code Long}, {@code Double},
 * {@code Boolean} or {@code null}. Kept free of Jackson so the short verbs start fast.
 */
final class JsonText {

    private final String text;
    private int pos;

    private JsonText(String text) {
        this.text = text;
    }

    /** Parses one JSON value; {@code what} names the input in errors (with the offset). */
    static Object parse(String text, String what) throws CliException {
        JsonText p = new JsonText(text);
        p.skipSpace();
        Object v = p.value(what);
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error(what, "unexpected text after the JSON value");
        }
        return v;
    }

    /** Parses a JSON object. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String text, String what) throws CliException {
        Object v = parse(text, what);
        if (!(v instanceof Map)) {
            throw new CliException(CliException.FAILURE, what + ": expected a JSON object");
        }
        return (Map<String, Object>) v;
    }

    private Object value(String what) throws CliException {
        if (pos >= text.length()) {
            throw error(what, "unexpected end of input");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{' -> {
                pos++;
                Map<String, Object> m = new LinkedHashMap<>();
                skipSpace();
                if (peek('}')) {
                    pos++;
                    return m;
                }
                while (true) {
                    skipSpace();
                    if (!peek('"')) {
                        throw error(what, "expected a string key");
                    }
                    String key = string(what);
                    skipSpace();
                    expect(':', what);
                    skipSpace();
                    m.put(key, value(what));
                    skipSpace();
                    if (peek(',')) {
                        pos++;
                    } else {
                        expect('}', what);
                        return m;
                    }
                }
            }
            case '[' -> {
                pos++;
                List<Object> l = new ArrayList<>();
                skipSpace();
                if (peek(']')) {
                    pos++;
                    return l;
                }
                while (true) {
                    skipSpace();
                    l.add(value(what));
                    skipSpace();
                    if (peek(',')) {
                        pos++;
                    } else {
                        expect(']', what);
                        return l;
                    }
                }
            }
            case '"' -> {
                return string(what);
            }
            default -> {
                if (text.startsWith("true", pos)) {
                    pos += 4;
                    return Boolean.TRUE;
                }
                if (text.startsWith("false", pos)) {
                    pos += 5;
                    return Boolean.FALSE;
                }
                if (text.startsWith("null", pos)) {
                    pos += 4;
                    return null;
                }
                return number(what);
            }
        }
    }

    private Object number(String what) throws CliException {
        int start = pos;
        while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        String n = text.substring(start, pos);
        if (n.isEmpty()) {
            throw error(what, "unexpected character '" + text.charAt(start) + "'");
        }
        try {
            if (n.contains(".") || n.contains("e") || n.contains("E")) {
                return Double.parseDouble(n);
            }
            return Long.parseLong(n);
        } catch (NumberFormatException e) {
            pos = start;
            throw error(what, "bad number \"" + n + "\"");
        }
    }

    private String string(String what) throws CliException {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error(what, "unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error(what, "unterminated string");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error(what, "bad \\u escape");
                    }
                    try {
                        sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error(what, "bad \\u escape");
                    }
                    pos += 4;
                }
                default -> throw error(what, "bad escape \\" + e);
            }
        }
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c, String what) throws CliException {
        if (!peek(c)) {
            throw error(what, "expected '" + c + "'");
        }
        pos++;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private CliException error(String what, String message) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new CliException(CliException.FAILURE, what + ": malformed JSON at line " + line + ", column " + col + ": " + message);
    }

    // ---- writing ----

    /** Compact JSON. */
    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, -1, 0);
        return sb.toString();
    }

    /** JSON indented by two spaces (runc's {@code state} output style). */
    static String pretty(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 2, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int indent, int depth) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> quote(sb, s);
            case Boolean b -> sb.append(b);
            case Number n -> sb.append(n);
            case Map<?, ?> m -> {
                if (m.isEmpty()) {
                    sb.append("{}");
                    return;
                }
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    newline(sb, indent, depth + 1);
                    quote(sb, String.valueOf(e.getKey()));
                    sb.append(indent >= 0 ? ": " : ":");
                    write(sb, e.getValue(), indent, depth + 1);
                }
                newline(sb, indent, depth);
                sb.append('}');
            }
            case List<?> l -> {
                if (l.isEmpty()) {
                    sb.append("[]");
                    return;
                }
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    newline(sb, indent, depth + 1);
                    write(sb, l.get(i), indent, depth + 1);
                }
                newline(sb, indent, depth);
                sb.append(']');
            }
            default -> quote(sb, v.toString());
        }
    }

    private static void newline(StringBuilder sb, int indent, int depth) {
        if (indent >= 0) {
            sb.append('\n').append(" ".repeat(indent * depth));
        }
    }

    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
