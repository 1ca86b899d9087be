/** Generated protobuf messages: Kata agent API, containerd task v2 and events, ttrpc envelope. */
module dev.jkata.proto {
    requires transitive com.google.protobuf;

    exports dev.jkata.proto.agent;
    exports dev.jkata.proto.rpc;
    exports dev.jkata.proto.ttrpc;
    exports dev.jkata.proto.types;
}
