/** containerd-shim-kata-v2. */
module dev.jkata.shim {
    requires dev.jkata.runtime;
}
