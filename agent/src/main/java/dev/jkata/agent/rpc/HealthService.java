package dev.jkata.agent.rpc;

import dev.jkata.proto.agent.CheckRequest;
import dev.jkata.proto.agent.HealthCheckResponse;
import dev.jkata.proto.agent.VersionCheckResponse;

/** grpc.Health: Check and Version. */
final class HealthService {

    static final String SERVICE = "grpc.Health";

    private HealthService() {
    }

    static void register(Calls calls, String agentVersion, String grpcVersion) {
        calls.add(SERVICE, "Check", CheckRequest::parser, (CheckRequest r) ->
                HealthCheckResponse.newBuilder().setStatus(HealthCheckResponse.ServingStatus.SERVING).build());
        calls.add(SERVICE, "Version", CheckRequest::parser, (CheckRequest r) ->
                VersionCheckResponse.newBuilder().setAgentVersion(agentVersion).setGrpcVersion(grpcVersion).build());
    }
}
