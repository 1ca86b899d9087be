/** kata-runtime command line. */
module dev.jkata.cli {
    requires dev.jkata.runtime;
}
