package dev.jkata.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.cli.CliException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTextTest {

    @Test
    void roundTripsTheTypesTheProtocolUses() throws CliException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a \"quoted\"\nline\t\u0001é");
        m.put("n", 42L);
        m.put("neg", -7L);
        m.put("d", 1.5);
        m.put("t", true);
        m.put("nil", null);
        m.put("list", List.of(1L, "two", Map.of()));
        String compact = JsonText.write(m);
        assertEquals(m, JsonText.parse(compact, "test"));
        assertEquals(m, JsonText.parse(JsonText.pretty(m), "test"));
        assertTrue(compact.contains("\\u0001"), compact);
    }

    @Test
    void prettyOutputIsIndentedLikeRunc() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ociVersion", "1.0.2");
        m.put("pid", 5L);
        assertEquals("{\n  \"ociVersion\": \"1.0.2\",\n  \"pid\": 5\n}", JsonText.pretty(m));
    }

    @Test
    void malformedJsonNamesTheInputLineAndColumn() {
        CliException e = assertThrows(CliException.class,
                () -> JsonText.parse("{\n  \"a\": 1,\n  \"b\" 2\n}", "process.json"));
        assertTrue(e.getMessage().startsWith("process.json: malformed JSON at line 3, column 7"), e.getMessage());
        assertThrows(CliException.class, () -> JsonText.parse("[1, 2", "x"));
        assertThrows(CliException.class, () -> JsonText.parse("{} trailing", "x"));
        assertThrows(CliException.class, () -> JsonText.parse("\"\\q\"", "x"));
        assertThrows(CliException.class, () -> JsonText.parseObject("[]", "x"));
    }
}
