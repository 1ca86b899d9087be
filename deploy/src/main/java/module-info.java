/**
 * kata-deploy: registers the kata runtime with containerd (1.x and 2.x configuration formats), docker
 * and podman, ships Kubernetes RuntimeClass manifests, and restores every file on uninstall. The Maven
 * module also gathers the jars of every host binary (target/jkata-lib) for scripts/install-opt-kata.sh.
 */
module dev.jkata.deploy {
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.toml;

    exports dev.jkata.deploy;
}
