/** Generated protobuf messages: Kata agent API, containerd task v2 and events, ttrpc envelope. */
module dev.jkata.proto {
    requires transitive com.google.protobuf;

    exports dev.jkata.proto.agent;
    exports dev.jkata.proto.cgroups.v1;
    exports dev.jkata.proto.cgroups.v2;
    exports dev.jkata.proto.containerd.task;
    exports dev.jkata.proto.containerd.types;
    exports dev.jkata.proto.events;
    exports dev.jkata.proto.events.ttrpc;
    exports dev.jkata.proto.rpc;
    exports dev.jkata.proto.runtimeoptions;
    exports dev.jkata.proto.task;
    exports dev.jkata.proto.ttrpc;
    exports dev.jkata.proto.types;
}
