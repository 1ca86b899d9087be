package dev.jkata.shim.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShimCliTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final ShimCli cli = new ShimCli((ns, sb, c, b) -> { }, (f, b, e) -> 42, Path.of("/tmp"));

    int run(String... args) {
        return cli.execute(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true),
                new PrintStream(err, true), Map.of());
    }

    @Test
    void versionFlags() {
        assertEquals(0, run("-v"));
        String v = out.toString(StandardCharsets.UTF_8);
        assertTrue(v.startsWith("containerd-shim-kata-v2:\n  Version:  "), v);
        assertTrue(v.contains("Revision:"), v);
        out.reset();
        assertEquals(0, run("--version"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("id: \"io.containerd.kata.v2\""));
    }

    @Test
    void infoPrintsRuntimeInfo() {
        assertEquals(0, run("-info"));
        byte[] b = out.toByteArray();
        assertEquals(10, b[0], "field 1, length-delimited");
        assertTrue(new String(b, StandardCharsets.UTF_8).contains("io.containerd.kata.v2"));
    }

    @Test
    void noActionRunsTheDaemonAndBadActionsAreNamed() {
        assertEquals(42, run("-namespace", "n", "-address", "/a", "-id", "x"));
        assertEquals(1, run("-namespace", "n", "-address", "/a", "-id", "x", "frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown action 'frobnicate'"), err.toString());
        err.reset();
        assertEquals(1, run("-address", "/a", "-id", "x"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("-namespace"), err.toString());
    }
}
