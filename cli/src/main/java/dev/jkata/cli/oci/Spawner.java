package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import dev.jkata.cli.Globals;
import dev.jkata.sys.Fd;
import dev.jkata.sys.Sys;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts the two host processes of an OCI container: the sandbox daemon (a JVM, detached with
 * setsid) and the pid-file process — a shell of about a megabyte that stands for the container's
 * process: it waits for one line on its stdin, the exit code the daemon writes there, and exits
 * with it (255 when the daemon goes away without writing). Both are children of {@code create},
 * so when {@code create} exits they are re-parented to the engine's subreaper (conmon,
 * containerd-shim-runc-v2), which then waits on the pid-file process as it would on runc's init.
 */
final class Spawner {

    /** The shell script of the pid-file process. */
    static final String PID_PROCESS_SCRIPT = "read c; exit \"${c:-255}\"";
    private static final String UNSHARE = "/usr/bin/unshare";

    /** A started pid-file process and the write end of its exit pipe. */
    record PidProcess(Process process, Fd exitPipe) {
        long pid() {
            return process.pid();
        }

        void kill() {
            exitPipe.close();
            process.destroyForcibly();
        }
    }

    private Spawner() {
    }

    /** An exec's pid-file process: the shell alone. */
    static PidProcess pidProcess(Sys sys) throws CliException {
        return pidProcess(sys, Optional.empty(), false);
    }

    /**
     * Starts the pid-file process.
     *
     * @param netns network namespace to start it in (nsenter execs the next program, so the pid
     *     stays the same): its {@code /proc/<pid>/ns/net} is then the sandbox's namespace, as
     *     runc's init's would be, for the hooks that configure it
     * @param isolated whether to run the shell in a pid and mount namespace of its own, with its
     *     own /proc ({@code unshare --fork}, which exits with the shell's code): tools that read
     *     {@code /proc} in the mount namespace of the container's pid — podman's {@code top} with
     *     its default descriptors — then see this stand-in instead of every host process
     */
    static PidProcess pidProcess(Sys sys, Optional<Path> netns, boolean isolated) throws CliException {
        Sys.Pipe pipe = sys.pipe();
        try {
            List<String> cmd = new ArrayList<>();
            netns.ifPresent(ns -> cmd.addAll(List.of("/usr/bin/nsenter", "--net=" + ns, "--")));
            if (isolated && Files.isExecutable(Path.of(UNSHARE))) {
                cmd.addAll(List.of(UNSHARE, "--pid", "--mount", "--fork", "--mount-proc", "--kill-child", "--"));
            }
            cmd.addAll(List.of("/bin/sh", "-c", PID_PROCESS_SCRIPT));
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectInput(new File("/proc/self/fd/" + pipe.read().value()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            pipe.read().close();
            return new PidProcess(p, pipe.write());
        } catch (IOException e) {
            pipe.close();
            throw new CliException(CliException.FAILURE, "starting the pid-file process /bin/sh"
                    + netns.map(ns -> " in network namespace " + ns).orElse("") + ": " + e.getMessage(), e);
        }
    }

    /** Starts {@code kata-runtime [globals] oci-daemon ID BUNDLE} detached, its output appended to daemon.log. */
    static Process daemon(Globals g, OciPaths paths, Path bundle) throws CliException {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            cmd.add("/usr/bin/setsid");
        }
        cmd.addAll(selfCommand());
        cmd.add("--root");
        cmd.add(paths.root().toString());
        g.config().ifPresent(c -> {
            cmd.add("--config");
            cmd.add(c.toAbsolutePath().toString());
        });
        if (g.debug()) {
            cmd.add("--debug");
        }
        g.log().ifPresent(l -> {
            cmd.add("--log");
            cmd.add(l.toAbsolutePath().toString());
            cmd.add("--log-format");
            cmd.add(g.logFormat());
        });
        cmd.add(OciDaemon.VERB);
        cmd.add(paths.id());
        cmd.add(bundle.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(paths.log().toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(paths.log().toFile()));
        try {
            return pb.start();
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, "starting the sandbox daemon " + cmd + ": " + e.getMessage(), e);
        }
    }

    /**
     * How to start this program again: the installed launcher ({@code JKATA_LAUNCHER}, set by
     * /opt/kata/bin/kata-runtime), else this JVM with its module or class path.
     */
    static List<String> selfCommand() {
        String launcher = System.getenv("JKATA_LAUNCHER");
        if (launcher != null && !launcher.isBlank()) {
            return List.of(launcher);
        }
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        Optional<String> modulePath = Optional.ofNullable(System.getProperty("jdk.module.path"));
        if (modulePath.isPresent() && !modulePath.get().isEmpty()) {
            cmd.set(1, "--enable-native-access=dev.jkata.cli,dev.jkata.hypervisor,dev.jkata.runtime,dev.jkata.sys,"
                    + "dev.jkata.ttrpc,dev.jkata.proto");
            cmd.addAll(List.of("-p", modulePath.get(), "-m", "dev.jkata.cli/dev.jkata.cli.Main"));
        } else {
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.jkata.cli.Main"));
        }
        return cmd;
    }
}
