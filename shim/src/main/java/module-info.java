/** containerd-shim-kata-v2: start/delete/-v/-info, the task service daemon, stdio fifos, events. */
module dev.jkata.shim {
    requires dev.jkata.runtime;
    requires dev.jkata.ttrpc;
    requires dev.jkata.proto;
    requires com.fasterxml.jackson.databind;
    requires java.logging;

    exports dev.jkata.shim;
}
