package dev.jkata.osbuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes the agent's AOT cache (JDK 25 {@code -XX:AOTCacheOutput}) with a training run chrooted into
 * the staged root, so the JVM binary, the module path and the options are exactly those of the guest.
 * The run is the agent's {@code --self-test}; when that fails, {@code --version} with the same
 * options (a cache made without the same main module would be refused by the JVM at start).
 */
final class AotTraining {
    private static final long TIMEOUT_SECONDS = 180;

    private AotTraining() {}

    /**
     * A command run chrooted into the stage, in its own mount and pid namespace with /proc mounted
     * (the dynamic loader needs /proc/self/exe for the JVM's $ORIGIN rpath); the mount goes away
     * with the namespace.
     */
    static List<String> chroot(Path stage, String... command) {
        List<String> cmd = new java.util.ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork",
                "--mount-proc=" + stage.resolve("proc"), "chroot", stage.toString()));
        cmd.addAll(List.of(command));
        return cmd;
    }

    static void run(Path stage, Progress progress) throws IOException {
        Path aot = stage.resolve(InitScript.AOT_CACHE.substring(1));
        Files.deleteIfExists(aot);
        Exec.Result r = Exec.runAllowingFailure(null, chroot(stage, InitScript.JAVA,
                "-XX:AOTCacheOutput=" + InitScript.AOT_CACHE, "@" + InitScript.AGENT_ARGS, "--self-test"),
                TIMEOUT_SECONDS);
        if (r.exitCode() == 0 && Files.exists(aot)) {
            progress.detail(String.format("agent --self-test trained %s (%.1f MiB)", InitScript.AOT_CACHE,
                    Files.size(aot) / 1048576.0));
            return;
        }
        progress.detail("WARNING: agent --self-test failed (exit " + r.exitCode() + "): "
                + Exec.tail(r.stderr() + r.stdout()).replace("\n", "\n        "));
        Files.deleteIfExists(aot);
        // Fallback: the same options and main module, with --version (a quick exit): the cache then
        // covers JDK start-up and module graph, and the JVM accepts it for the real start
        Exec.Result f = Exec.runAllowingFailure(null, chroot(stage, InitScript.JAVA,
                "-XX:AOTCacheOutput=" + InitScript.AOT_CACHE, "@" + InitScript.AGENT_ARGS, "--version"),
                TIMEOUT_SECONDS);
        if (f.exitCode() == 0 && Files.exists(aot)) {
            progress.detail(String.format("fallback training (agent --version) wrote %s (%.1f MiB)",
                    InitScript.AOT_CACHE, Files.size(aot) / 1048576.0));
        } else {
            Files.deleteIfExists(aot);
            progress.detail("WARNING: no AOT cache (training failed, exit " + f.exitCode() + "): "
                    + Exec.tail(f.stderr() + f.stdout()));
        }
    }
}
