/** kata-agent: runs inside the guest VM. */
module dev.jkata.agent {
    requires dev.jkata.proto;
    requires dev.jkata.ttrpc;
    requires dev.jkata.sys;
    requires com.fasterxml.jackson.core;
    requires java.logging;

    exports dev.jkata.agent;
}
