package dev.jkata.runtime.network;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a sandbox's networking made on the host, as saved in {@code state.json} so that
 * {@link PodNetwork#cleanUp} can undo it when the owning process is gone.
 *
 * @param netns the network namespace QEMU runs in (the pod's, or one made for the sandbox)
 * @param netnsCreated the namespace was made for this sandbox (then clean-up deletes it)
 * @param links the tcfilter plumbing, one entry per endpoint
 */
public record NetworkState(Path netns, boolean netnsCreated, List<Link> links) {

    /**
     * One endpoint's plumbing.
     *
     * @param veth the pod's interface that got an ingress qdisc redirecting to the tap
     * @param tap the tap device made for the VM
     */
    public record Link(String veth, String tap) {
        public Link {
            Objects.requireNonNull(veth, "veth");
            Objects.requireNonNull(tap, "tap");
        }
    }

    public NetworkState {
        Objects.requireNonNull(netns, "netns");
        links = links == null ? List.of() : List.copyOf(links);
    }
}
