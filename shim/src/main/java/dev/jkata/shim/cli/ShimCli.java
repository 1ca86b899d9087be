package dev.jkata.shim.cli;

import dev.jkata.shim.ShimException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** The shim binary's command line: {@code -v}, {@code -info}, {@code start}, {@code delete}, or the daemon. */
public final class ShimCli {
    /** Runs the long-lived daemon until it shuts down; returns its exit status. */
    @FunctionalInterface
    public interface Daemon {
        int serve(ShimFlags flags, Path bundle, Map<String, String> env);
    }

    private final DeleteCommand.Cleaner cleaner;
    private final Daemon daemon;
    private final Path socketRoot;

    public ShimCli(DeleteCommand.Cleaner cleaner, Daemon daemon, Path socketRoot) {
        this.cleaner = cleaner;
        this.daemon = daemon;
        this.socketRoot = socketRoot;
    }

    /** The real shim: cleanup and daemon from the backend package. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        ShimCli cli = new ShimCli(dev.jkata.shim.server.ShimWiring.cleaner(),
                dev.jkata.shim.server.ShimWiring::serve, ShimAddress.DEFAULT_SOCKET_ROOT);
        return cli.execute(args, in, out, err, env);
    }

    public int execute(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-version"))) {
            VersionInfo.load().printKataStyle(out);
            return 0;
        }
        try {
            ShimFlags flags = ShimFlags.parse(args);
            if (flags.version()) {
                VersionInfo.load().printContainerdStyle(out);
                return 0;
            }
            if (flags.info()) {
                out.write(RuntimeInfoWriter.encode(VersionInfo.load(), readAll(in)));
                out.flush();
                return 0;
            }
            Path bundle = Path.of(flags.bundle().orElse(System.getProperty("user.dir"))).toAbsolutePath();
            String action = flags.action().orElse("");
            switch (action) {
                case "start" -> {
                    String address = new StartCommand(socketRoot, Duration.ofSeconds(60))
                            .run(flags, bundle, readAll(in), env);
                    out.print(address);
                    out.flush();
                    return 0;
                }
                case "delete" -> {
                    out.write(new DeleteCommand(cleaner).run(flags, bundle, Instant.now()));
                    out.flush();
                    return 0;
                }
                case "" -> {
                    return daemon.serve(flags.requireIdentity(), bundle, env);
                }
                default -> throw ShimException.invalid("unknown action '" + action + "' (expected start or delete)");
            }
        } catch (ShimException e) {
            err.println(VersionInfo.BINARY + ": " + describe(e));
            return 1;
        } catch (IOException e) {
            err.println(VersionInfo.BINARY + ": " + e);
            return 1;
        }
    }

    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            sb.append(": ").append(c.getMessage() != null ? c.getMessage() : c.toString());
        }
        return sb.toString();
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in == null ? new byte[0] : in.readAllBytes();
    }
}
