/** Configuration, annotations, sandbox and container lifecycle, agent client. */
module dev.jkata.runtime {
    requires transitive dev.jkata.proto;
    requires transitive dev.jkata.ttrpc;
    requires transitive dev.jkata.hypervisor;
    requires dev.jkata.sys;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.toml;

    exports dev.jkata.runtime.config;
    exports dev.jkata.runtime.annotations;
    exports dev.jkata.runtime.agent;
    exports dev.jkata.runtime.oci;
    exports dev.jkata.runtime.network;
    exports dev.jkata.runtime.sandbox;
    exports dev.jkata.runtime.state;
    exports dev.jkata.runtime.storage;
}
