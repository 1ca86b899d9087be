package dev.jkata.osbuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes the agent's AOT cache (JDK 25 {@code -XX:AOTCacheOutput}) with a training run chrooted into
 * the staged root, so the JVM binary, the module path and the options are exactly those of the guest.
 * The run is the agent's {@code --self-test --namespaced} (private mount, UTS and pid namespaces: it
 * sets a hostname and mounts a tmpfs as a real CreateSandbox does, so the native-call set-up is in
 * the cache); when that fails, the plain {@code --self-test}, then {@code --version} with the same
 * options (a cache made without the same main module would be refused by the JVM at start).
 */
final class AotTraining {
    private static final long TIMEOUT_SECONDS = 180;

    private AotTraining() {}

    /**
     * A command run chrooted into the stage, in its own mount, UTS and pid namespace with /proc
     * mounted (the dynamic loader needs /proc/self/exe for the JVM's $ORIGIN rpath); the mounts and
     * the hostname go away with the namespaces.
     */
    static List<String> chroot(Path stage, String... command) {
        List<String> cmd = new java.util.ArrayList<>(List.of("unshare", "--mount", "--uts", "--pid", "--fork",
                "--mount-proc=" + stage.resolve("proc"), "chroot", stage.toString()));
        cmd.addAll(List.of(command));
        return cmd;
    }

    /** The training runs, best first: the agent's arguments and what the progress line calls it. */
    static final List<List<String>> RUNS = List.of(
            List.of("--self-test", "--namespaced"),
            List.of("--self-test"),
            List.of("--version"));

    static void run(Path stage, Progress progress) throws IOException {
        Path aot = stage.resolve(InitScript.AOT_CACHE.substring(1));
        Exec.Result last = null;
        for (List<String> args : RUNS) {
            Files.deleteIfExists(aot);
            List<String> cmd = new java.util.ArrayList<>(List.of(InitScript.JAVA,
                    "-XX:AOTCacheOutput=" + InitScript.AOT_CACHE, "@" + InitScript.AGENT_ARGS));
            cmd.addAll(args);
            last = Exec.runAllowingFailure(null, chroot(stage, cmd.toArray(String[]::new)), TIMEOUT_SECONDS);
            String what = "agent " + String.join(" ", args);
            if (last.exitCode() == 0 && Files.exists(aot)) {
                progress.detail(String.format("%s trained %s (%.1f MiB)", what, InitScript.AOT_CACHE,
                        Files.size(aot) / 1048576.0));
                return;
            }
            progress.detail("WARNING: training run '" + what + "' failed (exit " + last.exitCode() + "): "
                    + Exec.tail(last.stderr() + last.stdout()).replace("\n", "\n        "));
        }
        Files.deleteIfExists(aot);
        progress.detail("WARNING: no AOT cache: every training run failed");
    }
}
