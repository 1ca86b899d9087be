package dev.jkata.hypervisor;

import java.nio.file.Path;
import java.util.Objects;

/** How the host reaches the kata agent inside a guest. */
public sealed interface AgentEndpoint {

    /** The kata agent's vsock port in the guest (same as upstream Kata). */
    int AGENT_PORT = 1024;

    /**
     * A virtio-serial port named {@code agent.channel.0} in the guest, exposed on the host as a
     * unix socket (QEMU chardev in server mode); connect to it and speak ttrpc directly.
     */
    record Serial(Path unixSocket) implements AgentEndpoint {
        public Serial {
            Objects.requireNonNull(unixSocket, "unixSocket");
        }
    }

    /** A vsock address: the guest's context id and the agent's port. */
    record Vsock(int cid, int port) implements AgentEndpoint {
        public Vsock {
            if (cid < 3) {
                throw new IllegalArgumentException("vsock guest cid must be >= 3, got " + cid);
            }
            if (port <= 0) {
                throw new IllegalArgumentException("vsock port must be positive, got " + port);
            }
        }
    }

    /**
     * Hybrid vsock (Cloud Hypervisor, Firecracker): a unix socket on which the host writes
     * {@code CONNECT <port>\n} and expects {@code OK <n>\n}.
     */
    record HybridVsock(Path socket, int port) implements AgentEndpoint {
        public HybridVsock {
            Objects.requireNonNull(socket, "socket");
            if (port <= 0) {
                throw new IllegalArgumentException("hybrid vsock port must be positive, got " + port);
            }
        }
    }
}
