/** kata-agent: runs inside the guest VM. */
module dev.jkata.agent {
    requires dev.jkata.proto;
    requires dev.jkata.ttrpc;
    requires dev.jkata.sys;
    requires com.fasterxml.jackson.core;
    // protobuf-java (an automatic module, invisible to jdeps) uses java.util.logging internally
    requires java.logging;

    exports dev.jkata.agent;

    // logs go to the guest console without java.util.logging (cheaper to start)
    provides java.lang.System.LoggerFinder with dev.jkata.agent.ConsoleLoggerFinder;
}
