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
 * @param newNetns make a fresh network namespace for the VM (and delete it at the end): the spec names
 *     no namespace path and {@code disable_new_netns} is false, as upstream Kata does. Such a namespace
 *     holds only loopback, so the guest gets no network device, and QEMU is kept off the host's network.
 * @param netnsOwned {@code netns} was made for this sandbox by the caller (kata-runtime makes it before
 *     the OCI hooks run): the sandbox records it as its own, so {@link PodNetwork#tearDown} and
 *     {@code SandboxCleaner} delete it ({@code ip netns del}, so it must be under {@code /run/netns})
 */
public record NetworkSpec(InternetworkingModel model, boolean disableNewNetns, Optional<Path> netns,
        boolean newNetns, boolean netnsOwned) {

    /** No networking at all (tests, or front ends without a pod namespace): QEMU stays in the caller's. */
    public static final NetworkSpec NONE = new NetworkSpec(InternetworkingModel.NONE, false, Optional.empty());

    public NetworkSpec {
        Objects.requireNonNull(model, "model");
        netns = netns == null ? Optional.empty() : netns;
        if (newNetns && netns.isPresent()) {
            throw new IllegalArgumentException("network: a new network namespace cannot be asked for together "
                    + "with the namespace " + netns.get());
        }
        if (newNetns && disableNewNetns) {
            throw new IllegalArgumentException("network: disable_new_netns = true forbids a new network namespace");
        }
        if (netnsOwned && netns.isEmpty()) {
            throw new IllegalArgumentException("network: an owned network namespace needs its path");
        }
    }

    /** A spec that never makes a namespace of its own. */
    public NetworkSpec(InternetworkingModel model, boolean disableNewNetns, Optional<Path> netns) {
        this(model, disableNewNetns, netns, false, false);
    }

    /** A spec that may make a namespace ({@code newNetns}) but owns no given one. */
    public NetworkSpec(InternetworkingModel model, boolean disableNewNetns, Optional<Path> netns, boolean newNetns) {
        this(model, disableNewNetns, netns, newNetns, false);
    }

    /**
     * This spec with {@code ownedNetns} as the sandbox's namespace, made for it by the caller: QEMU runs
     * in it, its interfaces are plumbed as usual, and the sandbox deletes it at the end (also after a
     * crash, through {@code SandboxCleaner}).
     */
    public NetworkSpec owning(Path ownedNetns) {
        return new NetworkSpec(model, disableNewNetns, Optional.of(ownedNetns), false, true);
    }

    /**
     * Reads the sandbox's network settings. A spec without a network namespace path (a {@code network}
     * entry without path, or none at all, as {@code ctr run} and host-network requests give) gets a new
     * namespace unless {@code disable_new_netns} is set — upstream Kata's behaviour, which never runs
     * QEMU in the host's network namespace by default.
     *
     * @param runtime the {@code [runtime]} section after annotations
     * @param spec the sandbox container's OCI spec (host paths)
     * @throws IllegalArgumentException when {@code internetworking_model} is not a known value
     */
    public static NetworkSpec from(RuntimeConfig runtime, Spec spec) {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(spec, "spec");
        Optional<Path> path = netnsPath(spec);
        return new NetworkSpec(InternetworkingModel.parse(runtime.internetworkingModel()), runtime.disableNewNetns(),
                path, path.isEmpty() && !runtime.disableNewNetns());
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
