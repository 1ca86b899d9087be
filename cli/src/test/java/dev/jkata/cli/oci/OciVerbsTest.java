package dev.jkata.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.cli.Cli;
import dev.jkata.cli.CliException;
import dev.jkata.cli.LoaderConfigSource;
import dev.jkata.cli.LocalHost;
import dev.jkata.runtime.oci.OciBundle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verbs through kata-runtime's dispatch table, without a VM: argument and bundle errors, spec, state records. */
class OciVerbsTest {

    record Result(int status, String out, String err) {
    }

    private static Result run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Cli cli = OciVerbs.register(new Cli(new LocalHost(), new LoaderConfigSource()));
        int status = cli.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static List<Path> tree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return new ArrayList<>(s.toList());
        }
    }

    @Test
    void psOptionsWithJsonAndAMissingIdAreUsageErrors(@TempDir Path tmp) {
        Result json = run("--root", tmp.toString(), "ps", "--format", "json", "c1", "-ef");
        assertEquals(2, json.status(), json.err());
        assertTrue(json.err().contains("cannot be used with --format json"), json.err());
        Result none = run("--root", tmp.toString(), "ps");
        assertEquals(2, none.status(), none.err());
        assertTrue(none.err().contains("expected ID"), none.err());
        Result gone = run("--root", tmp.toString(), "ps", "c1", "-o", "pid");
        assertEquals(1, gone.status(), gone.err());
        assertTrue(gone.err().contains("\"c1\" does not exist"), gone.err());
    }

    @Test
    void malformedConfigJsonFailsCreateWithThePositionAndLeavesNothing(@TempDir Path tmp) throws IOException, CliException {
        Path bundle = Files.createDirectories(tmp.resolve("bundle"));
        Files.createDirectory(bundle.resolve("rootfs"));
        Files.writeString(bundle.resolve("config.json"), "{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": {\"args\": [\"sh\"\n}\n");
        Path root = tmp.resolve("root");
        Path log = tmp.resolve("log.json");
        List<Path> before = tree(tmp);
        Result r = run("--root", root.toString(), "--log", log.toString(), "--log-format", "json",
                "create", "--bundle", bundle.toString(), "--pid-file", tmp.resolve("pid").toString(), "c1");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains(bundle.resolve("config.json").toString()), r.err());
        assertTrue(r.err().contains("line 4"), r.err());
        assertTrue(r.err().contains("column"), r.err());
        List<Path> after = tree(tmp);
        after.remove(log);
        assertEquals(before, after, "create left files behind");
        Map<String, Object> line = JsonText.parseObject(Files.readAllLines(log).getLast(), "log");
        assertEquals("error", line.get("level"));
        assertTrue(String.valueOf(line.get("msg")).contains("line 4"), line.toString());
    }

    @Test
    void wrongTypeInConfigJsonNamesTheJsonPath(@TempDir Path tmp) throws IOException {
        Path bundle = Files.createDirectories(tmp.resolve("bundle"));
        Files.writeString(bundle.resolve("config.json"), "{\"ociVersion\": \"1.0.2\", \"process\": {\"args\": \"sh\"}}");
        Result r = run("--root", tmp.resolve("root").toString(), "create", "--bundle", bundle.toString(), "c1");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("process.args"), r.err());
        assertFalse(Files.exists(tmp.resolve("root").resolve("c1")));
    }

    @Test
    void terminalWithoutConsoleSocketIsRefusedBeforeAnythingStarts(@TempDir Path tmp) throws IOException {
        Path bundle = Files.createDirectories(tmp.resolve("bundle"));
        assertEquals(0, run("spec", "--bundle", bundle.toString()).status());
        Path cfg = tmp.resolve("kata.toml");
        Files.writeString(cfg, "[hypervisor.qemu]\n");
        Result r = run("--root", tmp.resolve("root").toString(), "--config", cfg.toString(),
                "create", "--bundle", bundle.toString(), "c1");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("--console-socket"), r.err());
        assertFalse(Files.exists(tmp.resolve("root").resolve("c1")));
    }

    @Test
    void specWritesABundleConfigThatParsesAndRefusesToOverwrite(@TempDir Path tmp) throws Exception {
        assertEquals(0, run("spec", "-b", tmp.toString()).status());
        OciBundle b = OciBundle.load(tmp);
        assertEquals(List.of("sh"), b.spec().getProcess().getArgsList());
        assertTrue(b.spec().getProcess().getTerminal());
        assertEquals(tmp.resolve("rootfs"), b.rootfs());
        Result again = run("spec", "--bundle", tmp.toString());
        assertEquals(1, again.status());
        assertTrue(again.err().contains("exists"), again.err());
    }

    @Test
    void verbsOnAMissingContainerFailAsRuncDoes(@TempDir Path tmp) {
        String root = tmp.resolve("root").toString();
        for (String verb : List.of("state", "start", "kill", "pause", "resume", "delete")) {
            Result r = run("--root", root, verb, "ghost");
            assertEquals(1, r.status(), verb + ": " + r.err());
            assertTrue(r.err().contains("container \"ghost\" does not exist"), verb + ": " + r.err());
        }
        assertEquals(0, run("--root", root, "delete", "--force", "ghost").status());
    }

    @Test
    void badArgumentsAreUsageErrors(@TempDir Path tmp) {
        String root = tmp.resolve("root").toString();
        assertEquals(2, run("--root", root, "kill", "c1", "NOPE").status());
        assertEquals(2, run("--root", root, "state").status());
        assertEquals(2, run("--root", root, "ps", "--format", "yaml", "c1").status());
        Result r = run("--root", root, "state", "../escape");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("invalid container id"), r.err());
    }

    @Test
    void stateAndListReadTheRecordOfAContainerWhoseDaemonIsGone(@TempDir Path tmp) throws CliException {
        Path root = tmp.resolve("root");
        OciPaths paths = new OciPaths(root, "c1");
        paths.dir().toFile().mkdirs();
        new OciState("c1", "running", 999_999_999L, "/b", "/b/rootfs", "2026-11-23T05:00:00Z", Map.of(), -1,
                999_999_998L).save(paths.state());
        Result r = run("--root", root.toString(), "state", "c1");
        assertEquals(0, r.status(), r.err());
        Map<String, Object> s = JsonText.parseObject(r.out(), "state");
        assertEquals("stopped", s.get("status"), "a running record without its daemon is stopped");
        assertEquals(0L, s.get("pid"));
        Result list = run("--root", root.toString(), "list", "--format", "json");
        assertEquals(0, list.status(), list.err());
        List<?> l = (List<?>) JsonText.parse(list.out(), "list");
        assertEquals(1, l.size());
        assertEquals("c1", ((Map<?, ?>) l.getFirst()).get("id"));
        Result table = run("--root", root.toString(), "list");
        assertTrue(table.out().startsWith("ID "), table.out());
        assertTrue(table.out().contains("c1 "), table.out());
        assertEquals("c1\n", run("--root", root.toString(), "list", "-q").out());
        assertEquals(0, run("--root", root.toString(), "delete", "c1").status());
        assertFalse(Files.exists(paths.dir()));
    }

    @Test
    void featuresIsJson() throws CliException {
        Result r = run("features");
        assertEquals(0, r.status());
        Map<String, Object> m = JsonText.parseObject(r.out(), "features");
        assertEquals("1.0.0", m.get("ociVersionMin"));
    }
}
