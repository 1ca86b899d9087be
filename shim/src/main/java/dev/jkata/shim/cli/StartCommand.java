package dev.jkata.shim.cli;

import dev.jkata.shim.ShimException;
import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code start}: find or spawn the daemon that serves this container, write {@code address} into the
 * bundle and return the address (printed on stdout by the caller). Containerd reads stdout and stderr
 * together, so nothing else may be printed on success.
 */
public final class StartCommand {
    /** Env var that carries the config path from start's runtime options to the daemon. */
    public static final String CONFIG_PATH_ENV = "JKATA_SHIM_CONFIG_PATH";
    static final String DAEMON_STDERR = "shim-daemon.stderr";

    private final Path socketRoot;
    private final Duration readyTimeout;

    public StartCommand(Path socketRoot, Duration readyTimeout) {
        this.socketRoot = socketRoot;
        this.readyTimeout = readyTimeout;
    }

    public String run(ShimFlags flags, Path bundle, byte[] stdinOptions, Map<String, String> env) {
        flags.requireIdentity();
        BundleSpec spec = BundleSpec.read(bundle);
        if (spec.containerType() == BundleSpec.ContainerType.POD_CONTAINER) {
            String sandboxId = spec.sandboxId().orElseThrow(() -> ShimException.invalid(
                    "pod container " + flags.id() + " has no annotation " + BundleSpec.CRI_SANDBOX_ID));
            String address = ShimAddress.of(socketRoot, flags.address(), flags.namespace(), sandboxId);
            if (!canConnect(address)) {
                throw ShimException.precondition("the shim of sandbox " + sandboxId + " is not running at " + address);
            }
            writeFile(bundle.resolve("address"), address);
            return address;
        }
        String address = flags.socket().map(s -> "unix://" + s)
                .orElseGet(() -> ShimAddress.of(socketRoot, flags.address(), flags.namespace(), flags.id()));
        Path socket = ShimAddress.socketPath(address);
        if (canConnect(address)) {
            writeFile(bundle.resolve("address"), address);
            return address;
        }
        try {
            Files.createDirectories(socket.getParent(), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new ShimException(ShimException.Kind.INTERNAL, "cannot prepare shim socket " + socket, e);
        }
        Process daemon = spawn(flags, bundle, socket, stdinOptions, env);
        waitReady(daemon, address, bundle);
        writeFile(bundle.resolve("shim.pid"), Long.toString(daemon.pid()));
        writeFile(bundle.resolve("address"), address);
        return address;
    }

    private Process spawn(ShimFlags flags, Path bundle, Path socket, byte[] stdinOptions, Map<String, String> env) {
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        cmd.addAll(SelfCommand.resolve(env));
        List<String> args = new ArrayList<>(flags.daemonArgs());
        if (flags.socket().isEmpty()) {
            args.addAll(List.of("-socket", socket.toString()));
        }
        if (flags.bundle().isEmpty()) {
            args.addAll(List.of("-bundle", bundle.toString()));
        }
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(bundle.toFile());
        Map<String, String> childEnv = pb.environment();
        childEnv.clear();
        childEnv.putAll(new HashMap<>(env));
        RuntimeOptions.fromAnyBytes(stdinOptions)
                .filter(o -> !o.configPath().isEmpty())
                .ifPresent(o -> childEnv.put(CONFIG_PATH_ENV, o.configPath()));
        pb.redirectInput(new File("/dev/null"));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(ProcessBuilder.Redirect.to(bundle.resolve(DAEMON_STDERR).toFile()));
        try {
            return pb.start();
        } catch (IOException e) {
            throw new ShimException(ShimException.Kind.INTERNAL, "cannot start the shim daemon " + cmd, e);
        }
    }

    private void waitReady(Process daemon, String address, Path bundle) {
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (canConnect(address)) {
                return;
            }
            if (!daemon.isAlive()) {
                throw new ShimException(ShimException.Kind.INTERNAL, "shim daemon exited with status "
                        + daemon.exitValue() + " before serving " + address + ": " + tail(bundle.resolve(DAEMON_STDERR)));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        daemon.destroyForcibly();
        throw new ShimException(ShimException.Kind.INTERNAL, "shim daemon did not serve " + address + " within "
                + readyTimeout.toSeconds() + " s: " + tail(bundle.resolve(DAEMON_STDERR)));
    }

    static String tail(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no daemon output)";
        }
    }

    /** True when something accepts connections on the unix socket of {@code address}. */
    public static boolean canConnect(String address) {
        Path socket = ShimAddress.socketPath(address);
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void writeFile(Path path, String content) {
        try {
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ShimException(ShimException.Kind.INTERNAL, "cannot write " + path, e);
        }
    }
}
