/** ttrpc client and server. */
module dev.jkata.ttrpc {
    requires transitive dev.jkata.proto;
    requires dev.jkata.sys;
}
