package dev.jkata.runtime.network;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the interfaces the VM should take over from a pod's network namespace. */
final class NetnsScanner {

    private static final System.Logger LOG = System.getLogger(NetnsScanner.class.getName());
    /** Link kinds tcfilter can mirror (as upstream: veth pairs, macvlan and ipvlan links, physical NICs). */
    private static final Set<String> SUPPORTED_KINDS = Set.of("", "veth", "macvlan", "ipvlan");

    private NetnsScanner() {
    }

    /** The namespace's endpoints: every ethernet link but loopback, our own taps and unsupported kinds. */
    static List<Endpoint> scan(CommandRunner ip) throws NetworkException {
        List<IpJson.Link> links = IpJson.links(ip.run(List.of("ip", "-j", "-d", "link", "show")));
        Map<String, List<Endpoint.Address>> addrs = IpJson.addresses(ip.run(List.of("ip", "-j", "addr", "show")));
        List<Endpoint.RouteEntry> routes = new ArrayList<>(
                IpJson.routes(ip.run(List.of("ip", "-j", "-4", "route", "show")), false));
        routes.addAll(IpJson.routes(ip.run(List.of("ip", "-j", "-6", "route", "show")), true));
        List<Endpoint.Neighbour> neighbours = IpJson.neighbours(ip.run(List.of("ip", "-j", "neigh", "show")));

        List<Endpoint> out = new ArrayList<>();
        for (IpJson.Link l : links) {
            if (!l.linkType().equals("ether") || TcFilter.isOurTap(l.name())) {
                continue;
            }
            if (!SUPPORTED_KINDS.contains(l.kind())) {
                LOG.log(System.Logger.Level.INFO, "interface {0} ({1}): not mirrored, kind not supported by tcfilter",
                        l.name(), l.kind());
                continue;
            }
            out.add(new Endpoint(l.name(), l.kind(), l.mac(), l.mtu(), l.flags().contains("NOARP"),
                    addrs.getOrDefault(l.name(), List.of()),
                    routes.stream().filter(r -> r.device().equals(l.name())).toList(),
                    neighbours.stream().filter(n -> n.device().equals(l.name())).toList()));
        }
        return out;
    }
}
