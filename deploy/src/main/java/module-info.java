/** Installs /opt/kata and configures containerd, docker and podman. */
module dev.jkata.deploy {
    requires dev.jkata.shim;
    requires dev.jkata.cli;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.toml;
}
