/** kata-runtime: check, env, version; the OCI verbs register in {@link dev.jkata.cli.Cli}'s dispatch table. */
module dev.jkata.cli {
    requires dev.jkata.runtime;
    requires dev.jkata.sys;

    exports dev.jkata.cli;
    exports dev.jkata.cli.oci;
}
