package dev.jkata.runtime.network;

import dev.jkata.proto.agent.LinuxNamespace;
import dev.jkata.proto.agent.Spec;
import dev.jkata.runtime.config.RuntimeConfig;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What a sandbox's networking is asked to be: the configuration's model and {@code disable_new_netns},
 * and the pod's network namespace from the sandbox container's OCI spec.
 *
 * @param model {@code internetworking_model}
 * @param disableNewNetns {@code disable_new_netns}
 * @param netns the pod's network namespace file ({@code linux.namespaces[type=network].path}), empty
 *     when the spec names none
 */
public record NetworkSpec(InternetworkingModel model, boolean disableNewNetns, Optional<Path> netns) {

    /** No networking at all (tests, or front ends without a pod namespace). */
    public static final NetworkSpec NONE = new NetworkSpec(InternetworkingModel.NONE, false, Optional.empty());

    public NetworkSpec {
        Objects.requireNonNull(model, "model");
        netns = netns == null ? Optional.empty() : netns;
    }

    /**
     * Reads the sandbox's network settings.
     *
     * @param runtime the {@code [runtime]} section after annotations
     * @param spec the sandbox container's OCI spec (host paths)
     * @throws IllegalArgumentException when {@code internetworking_model} is not a known value
     */
    public static NetworkSpec from(RuntimeConfig runtime, Spec spec) {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(spec, "spec");
        return new NetworkSpec(InternetworkingModel.parse(runtime.internetworkingModel()), runtime.disableNewNetns(),
                netnsPath(spec));
    }

    /** The path of the spec's network namespace entry, if it has one with a path. */
    public static Optional<Path> netnsPath(Spec spec) {
        if (!spec.hasLinux()) {
            return Optional.empty();
        }
        for (LinuxNamespace ns : spec.getLinux().getNamespacesList()) {
            if ("network".equals(ns.getType()) && !ns.getPath().isBlank()) {
                return Optional.of(Path.of(ns.getPath()));
            }
        }
        return Optional.empty();
    }
}
