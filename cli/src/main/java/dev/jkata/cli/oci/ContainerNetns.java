package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import dev.jkata.proto.agent.LinuxNamespace;
import dev.jkata.proto.agent.Spec;
import dev.jkata.runtime.config.RuntimeConfig;
import dev.jkata.runtime.network.NetworkSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The network namespace of an OCI container's sandbox. config.json either names one
 * ({@code linux.namespaces[type=network].path}, as podman does: it is used as is), asks for a new
 * one (an entry without a path, as Docker does: kata-runtime makes {@code /run/netns/<name>}
 * with {@code ip netns add} — the namespace that runc would have made by cloning its init —
 * unless {@code disable_new_netns} is set), or has no entry (the host's namespace).
 *
 * <p>The pid-file process is started inside this namespace, so {@code /proc/<pid>/ns/net} of the
 * pid the hooks get is the sandbox's namespace: Docker's {@code libnetwork-setkey} prestart hook
 * moves the container's veth there; the sandbox then finds it and hands it to the VM (tcfilter).
 *
 * @param path the namespace file, empty for the host's namespace
 * @param created whether kata-runtime made it (and so removes it again)
 */
record ContainerNetns(Optional<Path> path, boolean created) {

    static final Path NETNS_DIR = Path.of("/run/netns");
    private static final String IP = "/usr/bin/ip";
    private static final System.Logger LOG = System.getLogger(ContainerNetns.class.getName());

    /** What config.json and the configuration ask for; {@code paths} names the namespace kata-runtime would make. */
    static ContainerNetns of(Spec spec, RuntimeConfig runtime, OciPaths paths) {
        if (spec.hasLinux()) {
            for (LinuxNamespace ns : spec.getLinux().getNamespacesList()) {
                if ("network".equals(ns.getType())) {
                    if (!ns.getPath().isBlank()) {
                        return new ContainerNetns(Optional.of(Path.of(ns.getPath())), false);
                    }
                    return runtime.disableNewNetns() ? new ContainerNetns(Optional.empty(), false)
                            : new ContainerNetns(Optional.of(NETNS_DIR.resolve(name(paths))), true);
                }
            }
        }
        return new ContainerNetns(Optional.empty(), false);
    }

    /** {@code jkata-} and the same hash that names the daemon's socket (ids may be 128 characters). */
    static String name(OciPaths paths) {
        String sock = paths.socket().getFileName().toString();
        return "jkata-" + sock.substring(0, sock.indexOf('.'));
    }

    /**
     * The sandbox's network settings: with this namespace when there is one; otherwise the
     * runtime's own choice (a fresh, empty namespace for QEMU unless {@code disable_new_netns}).
     */
    NetworkSpec networkSpec(RuntimeConfig runtime, Spec spec) {
        NetworkSpec base = NetworkSpec.from(runtime, spec);
        if (path.isEmpty()) {
            return base;
        }
        // one kata-runtime made is the sandbox's: recorded in state.json, so a crashed daemon's
        // namespace is still removed by the sandbox cleaner
        return created ? base.owning(path.get()) : new NetworkSpec(base.model(), base.disableNewNetns(), path);
    }

    /** Makes the namespace when kata-runtime is to create it. */
    void create() throws CliException {
        if (!created) {
            return;
        }
        Path p = path.orElseThrow();
        if (Files.exists(p)) {
            throw new CliException(CliException.FAILURE, "network namespace " + p
                    + " already exists (left over from a container with the same root and id? remove it with: ip netns delete "
                    + p.getFileName() + ")");
        }
        ip("netns", "add", p.getFileName().toString());
        LOG.log(System.Logger.Level.INFO, "created network namespace {0}", p);
    }

    /** Removes the namespace if kata-runtime made it and it is still there; idempotent. */
    void remove() throws CliException {
        if (created && Files.exists(path.orElseThrow())) {
            ip("netns", "delete", path.get().getFileName().toString());
            LOG.log(System.Logger.Level.INFO, "removed network namespace {0}", path.get());
        }
    }

    /** {@link #remove()} for clean-up paths: a failure is added to {@code failure}. */
    void removeQuietly(Exception failure) {
        try {
            remove();
        } catch (CliException e) {
            failure.addSuppressed(e);
        }
    }

    private static void ip(String... args) throws CliException {
        List<String> cmd = new java.util.ArrayList<>(List.of(IP));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CliException(CliException.FAILURE, String.join(" ", cmd) + ": no answer within 30 s");
            }
            if (p.exitValue() != 0) {
                throw new CliException(CliException.FAILURE, String.join(" ", cmd) + " failed (" + p.exitValue() + "): "
                        + out);
            }
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.FAILURE, String.join(" ", cmd) + ": interrupted", e);
        }
    }
}
