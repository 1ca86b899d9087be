package dev.jkata.shim.cli;

import dev.jkata.shim.ShimException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to run this shim again as the long-lived daemon: the launcher script named by
 * {@code JKATA_SHIM_LAUNCHER}, or else the current JVM's own command line up to its main module/class.
 */
public final class SelfCommand {
    public static final String LAUNCHER_ENV = "JKATA_SHIM_LAUNCHER";

    private SelfCommand() {}

    public static List<String> resolve(Map<String, String> env) {
        String launcher = env.get(LAUNCHER_ENV);
        if (launcher != null && !launcher.isBlank()) {
            return List.of(launcher);
        }
        ProcessHandle.Info info = ProcessHandle.current().info();
        Optional<String> cmd = info.command();
        Optional<String[]> args = info.arguments();
        if (cmd.isEmpty() || args.isEmpty()) {
            throw new ShimException(ShimException.Kind.INTERNAL,
                    "cannot find this JVM's command line; set " + LAUNCHER_ENV + " to the shim launcher");
        }
        return jvmPrefix(cmd.get(), args.get());
    }

    /** The JVM command and its options up to and including the main module or class. */
    static List<String> jvmPrefix(String java, String[] args) {
        List<String> out = new ArrayList<>();
        out.add(java);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            out.add(a);
            if (a.equals("-m") || a.equals("--module")) {
                if (i + 1 < args.length) {
                    out.add(args[i + 1]);
                }
                return out;
            }
            if (a.startsWith("--module=")) {
                return out;
            }
            if (a.equals("-p") || a.equals("--module-path") || a.equals("-cp") || a.equals("-classpath")
                    || a.equals("--class-path") || a.equals("--add-modules") || a.equals("--add-opens")
                    || a.equals("--add-exports") || a.equals("--add-reads") || a.equals("--enable-native-access")) {
                if (i + 1 < args.length) {
                    out.add(args[++i]);
                }
                continue;
            }
            if (!a.startsWith("-")) {
                return out; // main class
            }
        }
        throw new ShimException(ShimException.Kind.INTERNAL,
                "cannot find the main module or class in this JVM's command line; set " + LAUNCHER_ENV);
    }
}
