package dev.jkata.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.cli.CliException;
import dev.jkata.proto.agent.Hook;
import dev.jkata.proto.agent.Hooks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hook runner with real sh scripts: stdin state, argv[0], environment, cwd, failures, timeouts. */
class OciHooksTest {

    private static final Map<String, Object> STATE = new OciState("c1", "creating", 4242, "/b", "/b/rootfs",
            "2026-11-23T00:00:00Z", Map.of("a", "b"), -1, 0).ociJson();

    private static Path script(Path dir, String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static OciHooks.HookCommand hook(Path path, List<String> args, List<String> env, long timeoutSeconds) {
        return new OciHooks.HookCommand(path.toString(), args, env,
                timeoutSeconds > 0 ? Optional.of(Duration.ofSeconds(timeoutSeconds)) : Optional.empty());
    }

    @Test
    void hookGetsTheStateOnStdinItsOwnArgv0TheGivenEnvironmentAndTheBundleAsCwd(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        Path bundle = Files.createDirectory(tmp.resolve("bundle"));
        Path s = script(tmp, "h.sh", "{ echo \"argv0=$0\"; echo \"args=$*\"; echo \"x=$X\"; echo \"home=${HOME:-unset}\";"
                + " echo \"cwd=$(pwd)\"; echo \"state=$(cat)\"; } > " + out);
        OciHooks.run(OciHooks.Stage.PRESTART, List.of(hook(s, List.of("libnetwork-setkey", "-exec-root=/e", "cid"),
                List.of("X=1=2"), 0)), STATE, bundle, Optional.empty());
        List<String> lines = Files.readAllLines(out);
        // a script's $0 is its path whatever argv[0] was (the kernel's #! handling); the rest is as given
        assertEquals("args=-exec-root=/e cid", lines.get(1));
        assertEquals("x=1=2", lines.get(2));
        assertEquals("home=unset", lines.get(3), "the hook's env is its whole environment");
        assertEquals("cwd=" + bundle, lines.get(4));
        String state = lines.get(5).substring("state=".length());
        Map<String, Object> parsed = JsonText.parseObject(state, "state");
        assertEquals("c1", parsed.get("id"));
        assertEquals(4242L, ((Number) parsed.get("pid")).longValue());
        assertEquals("creating", parsed.get("status"));
        assertEquals("/b", parsed.get("bundle"));
    }

    @Test
    void argv0IsPassedToTheExecutableApartFromItsPath(@TempDir Path tmp) throws Exception {
        // busybox dispatches on argv[0] as dockerd's reexec does: argv[0] "touch" runs its touch applet
        Path busybox = Path.of("/bin/busybox");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(busybox), "needs busybox");
        Path made = tmp.resolve("made-by-touch");
        OciHooks.HookCommand touch = hook(busybox, List.of("touch", made.toString()), List.of(), 0);
        assertEquals(List.of("/bin/bash", "-c", OciHooks.ARGV0_SCRIPT, "touch", "/bin/busybox", made.toString()),
                touch.argv(Optional.empty()));
        OciHooks.run(OciHooks.Stage.PRESTART, List.of(touch), STATE, tmp, Optional.empty());
        assertTrue(Files.exists(made));
    }

    @Test
    void aFailingHookFailsTheStageNamingPathAndExitCodeAndStopsTheRest(@TempDir Path tmp) throws Exception {
        Path bad = script(tmp, "bad.sh", "echo 'no veth for you' >&2; exit 7");
        Path marker = tmp.resolve("ran");
        Path next = script(tmp, "next.sh", "touch " + marker);
        CliException e = assertThrows(CliException.class, () -> OciHooks.run(OciHooks.Stage.PRESTART,
                List.of(hook(bad, List.of(), List.of(), 0), hook(next, List.of(), List.of(), 0)), STATE, tmp,
                Optional.empty()));
        assertTrue(e.getMessage().contains("prestart hook " + bad), e.getMessage());
        assertTrue(e.getMessage().contains("exited with code 7"), e.getMessage());
        assertTrue(e.getMessage().contains("no veth for you"), e.getMessage());
        assertFalse(Files.exists(marker), "hooks after a failed one do not run");
    }

    @Test
    void aHookThatOutlivesItsTimeoutIsKilledAndFailsTheStage(@TempDir Path tmp) throws Exception {
        Path slow = script(tmp, "slow.sh", "echo started; exec sleep 60");
        long t0 = System.nanoTime();
        CliException e = assertThrows(CliException.class, () -> OciHooks.run(OciHooks.Stage.CREATE_RUNTIME,
                List.of(hook(slow, List.of(), List.of(), 1)), STATE, tmp, Optional.empty()));
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 30, "killed at its timeout");
        assertTrue(e.getMessage().contains("createRuntime hook " + slow + ": timed out after 1 s"), e.getMessage());
        assertTrue(e.getMessage().contains("started"), e.getMessage());
    }

    @Test
    void poststartAndPoststopFailuresAreOnlyLoggedAndTheOtherHooksRun(@TempDir Path tmp) throws Exception {
        Path bad = script(tmp, "bad.sh", "exit 3");
        Path marker = tmp.resolve("ran");
        Path next = script(tmp, "next.sh", "cat > " + marker);
        OciHooks.run(OciHooks.Stage.POSTSTOP, List.of(hook(bad, List.of(), List.of(), 0),
                hook(next, List.of(), List.of(), 0)), STATE, tmp, Optional.empty());
        assertTrue(Files.readString(marker).contains("\"id\":\"c1\""), Files.readString(marker));
    }

    @Test
    void aMissingOrRelativeHookPathIsAnErrorNamingIt(@TempDir Path tmp) {
        CliException e = assertThrows(CliException.class, () -> OciHooks.run(OciHooks.Stage.PRESTART,
                List.of(hook(tmp.resolve("nope"), List.of(), List.of(), 0)), STATE, tmp, Optional.empty()));
        assertTrue(e.getMessage().contains("prestart hook " + tmp.resolve("nope")), e.getMessage());
        assertTrue(e.getMessage().contains("is not an executable file"), e.getMessage());
        CliException rel = assertThrows(CliException.class, () -> OciHooks.run(OciHooks.Stage.CREATE_CONTAINER,
                List.of(new OciHooks.HookCommand("bin/true", List.of(), List.of(), Optional.empty())), STATE, tmp,
                Optional.empty()));
        assertTrue(rel.getMessage().contains("\"bin/true\""), rel.getMessage());
    }

    @Test
    void stagesComeFromTheSpecInOrderAndCreateContainerRunsInTheNetns() {
        Hooks hooks = Hooks.newBuilder()
                .addPrestart(Hook.newBuilder().setPath("/a").addArgs("a0").addArgs("x").setTimeout(5))
                .addPrestart(Hook.newBuilder().setPath("/b"))
                .addPoststop(Hook.newBuilder().setPath("/c").addEnv("K=V"))
                .build();
        List<OciHooks.HookCommand> pre = OciHooks.of(hooks, OciHooks.Stage.PRESTART);
        assertEquals(List.of("/a", "/b"), pre.stream().map(OciHooks.HookCommand::path).toList());
        assertEquals(Optional.of(Duration.ofSeconds(5)), pre.getFirst().timeout());
        assertEquals(Optional.empty(), pre.get(1).timeout());
        assertEquals(List.of(), OciHooks.of(hooks, OciHooks.Stage.CREATE_RUNTIME));
        assertEquals(List.of("K=V"), OciHooks.of(hooks, OciHooks.Stage.POSTSTOP).getFirst().env());
        assertEquals(List.of("/usr/bin/nsenter", "--net=/run/netns/n", "--", "/b"),
                pre.get(1).argv(Optional.of(Path.of("/run/netns/n"))));
        assertTrue(OciHooks.Stage.CREATE_CONTAINER.fatal());
        assertFalse(OciHooks.Stage.POSTSTART.fatal());
    }

    @Test
    void poststopHooksSurviveTheTripThroughTheContainerDir(@TempDir Path tmp) throws Exception {
        OciPaths paths = new OciPaths(tmp, "c1");
        Files.createDirectories(paths.dir());
        assertEquals(List.of(), PoststopHooks.load(paths));
        List<OciHooks.HookCommand> hooks = List.of(
                new OciHooks.HookCommand("/x", List.of("x0", "y"), List.of("A=1"), Optional.of(Duration.ofSeconds(9))),
                new OciHooks.HookCommand("/z", List.of(), List.of(), Optional.empty()));
        PoststopHooks.save(paths, hooks);
        assertEquals(hooks, PoststopHooks.load(paths));
    }
}
