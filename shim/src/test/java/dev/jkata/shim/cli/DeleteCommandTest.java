package dev.jkata.shim.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.jkata.proto.task.DeleteResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeleteCommandTest {
    @TempDir
    Path bundle;

    @Test
    void cleansTheSandboxAndAnswersKilled() throws Exception {
        Files.writeString(bundle.resolve("config.json"), "{\"ociVersion\":\"1.0.2\"}");
        List<String> cleaned = new ArrayList<>();
        DeleteCommand cmd = new DeleteCommand((ns, sb, cid, b) -> cleaned.add(ns + " " + sb + " " + cid + " " + b));
        ShimFlags flags = ShimFlags.parse(new String[] {"-namespace", "default", "-address", "/a", "-id", "t1",
                "-bundle", bundle.toString(), "delete"});
        byte[] out = cmd.run(flags, bundle, Instant.ofEpochSecond(1000, 5));
        DeleteResponse r = DeleteResponse.parseFrom(out);
        assertEquals(137, r.getExitStatus());
        assertEquals(1000, r.getExitedAt().getSeconds());
        assertEquals(List.of("default t1 t1 " + bundle), cleaned);
    }

    @Test
    void podContainerCleansWithinItsSandbox() throws Exception {
        Files.writeString(bundle.resolve("config.json"), """
                {"annotations":{"io.kubernetes.cri.container-type":"container","io.kubernetes.cri.sandbox-id":"sb1"}}""");
        List<String> cleaned = new ArrayList<>();
        new DeleteCommand((ns, sb, cid, b) -> cleaned.add(sb + "/" + cid)).run(ShimFlags.parse(
                new String[] {"-namespace", "k8s.io", "-address", "/a", "-id", "c2", "delete"}), bundle, Instant.now());
        assertEquals(List.of("sb1/c2"), cleaned);
    }

    @Test
    void missingConfigStillCleansByIdAndShimCliPrintsTheResponse() throws Exception {
        List<String> cleaned = new ArrayList<>();
        ShimCli cli = new ShimCli((ns, sb, cid, b) -> cleaned.add(sb), (f, b, e) -> 99, bundle);
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        int rc = cli.execute(new String[] {"-namespace", "n", "-address", "/a", "-id", "gone", "-bundle",
                bundle.toString(), "delete"}, new java.io.ByteArrayInputStream(new byte[0]),
                new java.io.PrintStream(out), new java.io.PrintStream(err), java.util.Map.of());
        assertEquals(0, rc, err.toString());
        assertEquals(137, DeleteResponse.parseFrom(out.toByteArray()).getExitStatus());
        assertEquals(List.of("gone"), cleaned);
    }
}
