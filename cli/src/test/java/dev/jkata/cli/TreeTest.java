package dev.jkata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TreeTest {
    @Test
    void jsonAndTomlOfNestedMaps() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("Name", "a \"quoted\"\tname");
        inner.put("List", List.of("x", "y"));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("Meta", Map.of("Version", "1"));
        root.put("Host", new LinkedHashMap<>(Map.of("CPUs", 2)));
        ((Map<String, Object>) root.get("Host")).put("Distro", inner);
        assertEquals("""
                {
                  "Meta": {
                    "Version": "1"
                  },
                  "Host": {
                    "CPUs": 2,
                    "Distro": {
                      "Name": "a \\"quoted\\"\\tname",
                      "List": [
                        "x",
                        "y"
                      ]
                    }
                  }
                }
                """, Tree.json(root));
        assertEquals("""
                [Meta]
                  Version = "1"

                [Host]
                  CPUs = 2

                [Host.Distro]
                  Name = "a \\"quoted\\"\\tname"
                  List = ["x", "y"]
                """, Tree.toml(root));
    }
}
