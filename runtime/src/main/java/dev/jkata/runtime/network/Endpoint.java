package dev.jkata.runtime.network;

import java.util.List;
import java.util.Objects;

/**
 * One interface of the pod's network namespace as the scan found it, with what the guest needs to copy.
 *
 * @param name interface name in the namespace ({@code eth0}); the guest interface gets the same name
 * @param kind netlink link kind ({@code veth}, {@code macvlan}, …; empty for a physical NIC)
 * @param mac hardware address, lower case
 * @param mtu MTU
 * @param noArp the interface has {@code NOARP} set
 * @param addresses addresses, without loopback and IPv6 link-local ones (the guest makes its own)
 * @param routes routes through this interface, without the kernel's connected routes
 * @param neighbours permanent neighbour entries on this interface
 */
public record Endpoint(String name, String kind, String mac, int mtu, boolean noArp, List<Address> addresses,
        List<RouteEntry> routes, List<Neighbour> neighbours) {

    public Endpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mac, "mac");
        kind = kind == null ? "" : kind;
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
        neighbours = List.copyOf(neighbours);
    }

    /** An IPv4 or IPv6 address with its prefix length. */
    public record Address(boolean v6, String address, int prefixLength) {
        public Address {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public String toString() {
            return address + "/" + prefixLength;
        }
    }

    /**
     * A route.
     *
     * @param dest destination in CIDR notation, empty for the default route
     * @param gateway next hop, or empty
     * @param source preferred source address, or empty
     * @param scope netlink scope number (0 global, 253 link, 254 host)
     * @param onLink the route has the {@code onlink} flag
     */
    public record RouteEntry(boolean v6, String dest, String gateway, String device, String source, int scope,
            boolean onLink) {
        public RouteEntry {
            dest = dest == null ? "" : dest;
            gateway = gateway == null ? "" : gateway;
            device = device == null ? "" : device;
            source = source == null ? "" : source;
        }
    }

    /** A permanent neighbour (ARP/NDP) entry. */
    public record Neighbour(boolean v6, String address, String lladdr, String device) {
        public Neighbour {
            Objects.requireNonNull(address, "address");
            lladdr = lladdr == null ? "" : lladdr;
            device = device == null ? "" : device;
        }
    }
}
