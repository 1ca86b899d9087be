/** ttrpc client and server, wire-compatible with containerd/ttrpc. */
module dev.jkata.ttrpc {
    requires transitive dev.jkata.proto;
    requires dev.jkata.sys;

    exports dev.jkata.ttrpc;
}
