package dev.jkata.deploy;

import java.nio.file.Path;

/**
 * Where kata-deploy reads and writes. {@code root} is prepended to every host path (tests use a temp
 * dir, production "/"); {@code installedPrefix} is the /opt/kata path written <em>into</em> the
 * configuration files, which does not change with the root.
 *
 * @param root            the host root directory
 * @param installedPrefix the install prefix as seen by containerd, docker and podman
 */
public record DeployPaths(Path root, Path installedPrefix) {
    public static final Path DEFAULT_PREFIX = Path.of("/opt/kata");

    public DeployPaths {
        if (!installedPrefix.isAbsolute()) {
            throw new IllegalArgumentException("install prefix must be absolute, got " + installedPrefix);
        }
    }

    /** A host path under the root: {@code host("/etc/docker/daemon.json")}. */
    public Path host(String absolute) {
        return host(Path.of(absolute));
    }

    public Path host(Path absolute) {
        if (!absolute.isAbsolute()) {
            throw new IllegalArgumentException("expected an absolute host path, got " + absolute);
        }
        return root.resolve(absolute.toString().substring(1));
    }

    /** The same path without the root prefix, for messages and backup manifests. */
    public Path unrooted(Path hostPath) {
        return Path.of("/").resolve(root.relativize(hostPath));
    }

    public Path containerdConfig() {
        return host("/etc/containerd/config.toml");
    }

    /** Our containerd drop-in, referenced from the main config's {@code imports}. */
    public Path containerdDropIn() {
        return host("/etc/containerd/conf.d/kata-deploy.toml");
    }

    public Path dockerDaemonJson() {
        return host("/etc/docker/daemon.json");
    }

    public Path podmanContainersConf() {
        return host("/etc/containers/containers.conf");
    }

    public Path backupDir() {
        return host(installedPrefix.resolve("share/kata-deploy/backup"));
    }

    public Path runtimeClassDir() {
        return host(installedPrefix.resolve("share/kata-containers/runtimeclasses"));
    }

    /** Value written into the configs: the Kata configuration for the kata/kata-qemu handlers. */
    public String qemuConfigPath() {
        return installedPrefix.resolve("share/defaults/kata-containers/configuration-qemu.toml").toString();
    }

    /** Value written into the configs: the OCI runtime binary for docker and podman. */
    public String kataRuntimeBinary() {
        return installedPrefix.resolve("bin/kata-runtime").toString();
    }
}
