package dev.jkata.runtime.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Parses iproute2's JSON output ({@code ip -j …}). Pure. */
final class IpJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A link of {@code ip -j -d link show}. */
    record Link(String name, String kind, String linkType, String mac, int mtu, List<String> flags) {
        boolean up() {
            return flags.contains("UP");
        }
    }

    private IpJson() {
    }

    /** {@code ip -j -d link show}: links in kernel order. */
    static List<Link> links(String json) throws NetworkException {
        List<Link> out = new ArrayList<>();
        for (JsonNode n : array("ip link show", json)) {
            String name = text(n, "ifname");
            if (name.isEmpty()) {
                throw new NetworkException("ip link show: an entry without \"ifname\": " + n);
            }
            List<String> flags = new ArrayList<>();
            n.path("flags").forEach(f -> flags.add(f.asText()));
            out.add(new Link(name, text(n.path("linkinfo"), "info_kind"), text(n, "link_type"),
                    text(n, "address").toLowerCase(Locale.ROOT), n.path("mtu").asInt(0), List.copyOf(flags)));
        }
        return out;
    }

    /** {@code ip -j addr show}: addresses per interface, without loopback and IPv6 link-local ones. */
    static Map<String, List<Endpoint.Address>> addresses(String json) throws NetworkException {
        Map<String, List<Endpoint.Address>> out = new LinkedHashMap<>();
        for (JsonNode n : array("ip addr show", json)) {
            String name = text(n, "ifname");
            List<Endpoint.Address> list = out.computeIfAbsent(name, k -> new ArrayList<>());
            for (JsonNode a : n.path("addr_info")) {
                String family = text(a, "family");
                String local = text(a, "local");
                String scope = text(a, "scope");
                if (local.isEmpty() || !(family.equals("inet") || family.equals("inet6"))
                        || scope.equals("host") || scope.equals("link")) {
                    continue;
                }
                if (!a.path("prefixlen").isInt()) {
                    throw new NetworkException("ip addr show: address " + local + " of " + name
                            + ": expected an integer \"prefixlen\", got " + a.path("prefixlen"));
                }
                list.add(new Endpoint.Address(family.equals("inet6"), local, a.path("prefixlen").asInt()));
            }
        }
        return out;
    }

    /**
     * {@code ip -j [-6] route show}: unicast routes through a device, without the ones the kernel made
     * for an address (the guest kernel makes them itself when the address is set).
     */
    static List<Endpoint.RouteEntry> routes(String json, boolean v6) throws NetworkException {
        List<Endpoint.RouteEntry> out = new ArrayList<>();
        for (JsonNode n : array("ip route show", json)) {
            String type = text(n, "type");
            if (!type.isEmpty() && !type.equals("unicast")) {
                continue;
            }
            if (text(n, "protocol").equals("kernel") || text(n, "dev").isEmpty()) {
                continue;
            }
            String dst = text(n, "dst");
            if (dst.isEmpty()) {
                throw new NetworkException("ip route show: a route without \"dst\": " + n);
            }
            if (dst.equals("default")) {
                dst = "";
            } else if (!dst.contains("/")) {
                dst = dst + (v6 ? "/128" : "/32");
            }
            boolean onLink = false;
            for (JsonNode f : n.path("flags")) {
                onLink |= f.asText().equals("onlink");
            }
            out.add(new Endpoint.RouteEntry(v6, dst, text(n, "gateway"), text(n, "dev"), text(n, "prefsrc"),
                    scope(text(n, "scope")), onLink));
        }
        return out;
    }

    /** {@code ip -j neigh show}: the permanent entries (the only ones the guest gets, as upstream). */
    static List<Endpoint.Neighbour> neighbours(String json) throws NetworkException {
        List<Endpoint.Neighbour> out = new ArrayList<>();
        for (JsonNode n : array("ip neigh show", json)) {
            boolean permanent = false;
            for (JsonNode s : n.path("state")) {
                permanent |= s.asText().equals("PERMANENT");
            }
            String dst = text(n, "dst");
            if (!permanent || dst.isEmpty()) {
                continue;
            }
            out.add(new Endpoint.Neighbour(dst.contains(":"), dst, text(n, "lladdr").toLowerCase(Locale.ROOT),
                    text(n, "dev")));
        }
        return out;
    }

    /** {@code tc -j qdisc show dev X}: whether X has an ingress qdisc. */
    static boolean hasIngressQdisc(String json) throws NetworkException {
        for (JsonNode n : array("tc qdisc show", json)) {
            if (text(n, "kind").equals("ingress")) {
                return true;
            }
        }
        return false;
    }

    /** Netlink route scope numbers (rtnetlink.h: RT_SCOPE_*). */
    static int scope(String name) {
        return switch (name) {
            case "", "global", "universe" -> 0;
            case "site" -> 200;
            case "link" -> 253;
            case "host" -> 254;
            case "nowhere" -> 255;
            default -> {
                try {
                    yield Integer.parseInt(name);
                } catch (NumberFormatException e) {
                    yield 0;
                }
            }
        };
    }

    private static JsonNode array(String what, String json) throws NetworkException {
        if (json == null || json.isBlank()) {
            return MAPPER.createArrayNode();
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new NetworkException(what + ": expected iproute2 JSON output, got: " + abbreviate(json), e);
        }
        if (!root.isArray()) {
            throw new NetworkException(what + ": expected a JSON array, got: " + abbreviate(json));
        }
        return root;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isValueNode() ? v.asText() : "";
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() > 200 ? t.substring(0, 200) + "…" : t;
    }
}
