package dev.jkata.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import org.junit.jupiter.api.Test;

class TomlWriterTest {
    private static final TomlMapper TOML = new TomlMapper();

    @Test
    void roundTripsNestedTablesQuotedKeysArraysAndEscapes() throws Exception {
        String src = """
                version = 2
                imports = ["/a.toml", "/b \\"q\\".toml"]
                oom_score = -999
                ratio = 0.5
                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                  runtime_type = "io.containerd.runc.v2"
                  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                    SystemdCgroup = true
                [[proxy_plugins.list]]
                  name = "one"
                [[proxy_plugins.list]]
                  name = "two"
                  inline = { a = 1, "b.c" = "x\\ty" }
                [empty]
                """;
        JsonNode parsed = TOML.readTree(src);
        String written = TomlWriter.write((ObjectNode) parsed);
        assertEquals(parsed, TOML.readTree(written), written);
        assertEquals(written, TomlWriter.write((ObjectNode) TOML.readTree(written)), "stable output");
    }
}
