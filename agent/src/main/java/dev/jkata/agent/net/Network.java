package dev.jkata.agent.net;

import dev.jkata.agent.AgentException;
import dev.jkata.proto.types.ARPNeighbor;
import dev.jkata.proto.types.IPAddress;
import dev.jkata.proto.types.IPFamily;
import dev.jkata.proto.types.Interface;
import dev.jkata.proto.types.Route;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/** The guest's interfaces, routes and neighbours, read from sysfs and set with {@code ip}. */
public final class Network {

    private final IpCommand ip;
    private final Path sysClassNet;

    public Network(IpCommand ip, Path sysClassNet) {
        this.ip = ip;
        this.sysClassNet = sysClassNet;
    }

    public List<Interface> interfaces() {
        Map<String, List<IPAddress>> addrs = parseAddresses(ip.run(List.of("-o", "addr", "show")));
        List<Interface> out = new ArrayList<>();
        for (String name : linkNames()) {
            Path d = sysClassNet.resolve(name);
            Interface.Builder b = Interface.newBuilder().setName(name).setDevice(name)
                    .setMtu(readLong(d.resolve("mtu")))
                    .setHwAddr(read(d.resolve("address")))
                    .setRawFlags((int) readHex(d.resolve("flags")))
                    .setType(Files.exists(d.resolve("device")) ? "" : (name.equals("lo") ? "loopback" : "virtual"));
            b.addAllIPAddresses(addrs.getOrDefault(name, List.of()));
            out.add(b.build());
        }
        return out;
    }

    /** Traffic counters of every interface but loopback, from sysfs statistics. */
    public List<dev.jkata.proto.agent.NetworkStats> statistics() {
        List<dev.jkata.proto.agent.NetworkStats> out = new ArrayList<>();
        for (String name : linkNames()) {
            if (name.equals("lo")) {
                continue;
            }
            Path st = sysClassNet.resolve(name).resolve("statistics");
            out.add(dev.jkata.proto.agent.NetworkStats.newBuilder().setName(name)
                    .setRxBytes(readLong(st.resolve("rx_bytes"))).setRxPackets(readLong(st.resolve("rx_packets")))
                    .setRxErrors(readLong(st.resolve("rx_errors"))).setRxDropped(readLong(st.resolve("rx_dropped")))
                    .setTxBytes(readLong(st.resolve("tx_bytes"))).setTxPackets(readLong(st.resolve("tx_packets")))
                    .setTxErrors(readLong(st.resolve("tx_errors"))).setTxDropped(readLong(st.resolve("tx_dropped")))
                    .build());
        }
        return out;
    }

    /** Finds the interface by MAC address (else by name), and sets its name, MTU and addresses. */
    public Interface update(Interface want) {
        String current = null;
        for (String name : linkNames()) {
            String mac = read(sysClassNet.resolve(name).resolve("address"));
            if (!want.getHwAddr().isEmpty() && mac.equalsIgnoreCase(want.getHwAddr())) {
                current = name;
            }
        }
        if (current == null && !want.getName().isEmpty() && Files.exists(sysClassNet.resolve(want.getName()))) {
            current = want.getName();
        }
        if (current == null) {
            throw AgentException.notFound("no guest interface with MAC address '" + want.getHwAddr()
                    + "' or name '" + want.getName() + "'");
        }
        ip.run(List.of("link", "set", "dev", current, "down"));
        if (!want.getName().isEmpty() && !want.getName().equals(current)) {
            ip.run(List.of("link", "set", "dev", current, "name", want.getName()));
            current = want.getName();
        }
        if (want.getMtu() > 0) {
            ip.run(List.of("link", "set", "dev", current, "mtu", Long.toString(want.getMtu())));
        }
        ip.run(List.of("addr", "flush", "dev", current));
        for (IPAddress a : want.getIPAddressesList()) {
            String cidr = a.getAddress() + (a.getMask().isEmpty() ? "" : "/" + a.getMask());
            ip.run(List.of("addr", "add", cidr, "dev", current));
        }
        ip.run(List.of("link", "set", "dev", current, "up"));
        String name = current;
        return interfaces().stream().filter(i -> i.getName().equals(name)).findFirst().orElse(want);
    }

    public List<Route> routes() {
        List<Route> out = new ArrayList<>(parseRoutes(ip.run(List.of("route", "show")), IPFamily.v4));
        try {
            out.addAll(parseRoutes(ip.run(List.of("-6", "route", "show")), IPFamily.v6));
        } catch (AgentException e) {
            // no IPv6 in this guest
        }
        return out;
    }

    /** Replaces the guest's IPv4/IPv6 routes on the given devices with the requested ones. */
    public List<Route> updateRoutes(List<Route> want) {
        for (Route r : routes()) {
            if (kernelMade(r)) {
                continue; // the route of an address (as upstream's agent, keep it: gateways behind it need it)
            }
            if (r.getScope() != 253 || want.stream().anyMatch(w -> w.getDevice().equals(r.getDevice()))) {
                List<String> del = new ArrayList<>();
                if (r.getFamily() == IPFamily.v6) {
                    del.add("-6");
                }
                del.addAll(List.of("route", "del", r.getDest().isEmpty() ? "default" : r.getDest()));
                if (!r.getDevice().isEmpty()) {
                    del.addAll(List.of("dev", r.getDevice()));
                }
                try {
                    ip.run(del);
                } catch (AgentException e) {
                    // the kernel may have removed it with another route
                }
            }
        }
        List<Route> ordered = new ArrayList<>(want.stream().filter(r -> r.getGateway().isEmpty()).toList());
        ordered.addAll(want.stream().filter(r -> !r.getGateway().isEmpty()).toList());
        for (Route r : ordered) {
            List<String> add = new ArrayList<>();
            if (r.getFamily() == IPFamily.v6) {
                add.add("-6");
            }
            add.addAll(List.of("route", "replace", r.getDest().isEmpty() ? "default" : r.getDest()));
            if (!r.getGateway().isEmpty()) {
                add.addAll(List.of("via", r.getGateway()));
            }
            if (!r.getDevice().isEmpty()) {
                add.addAll(List.of("dev", r.getDevice()));
            }
            if (!r.getSource().isEmpty()) {
                add.addAll(List.of("src", r.getSource()));
            }
            if (r.getScope() == 253) {
                add.addAll(List.of("scope", "link"));
            }
            ip.run(add);
        }
        return routes();
    }

    /**
     * Whether the kernel made {@code r} for an interface address: a link-scope route without gateway and
     * with that address as source. busybox ip shows no "proto kernel", so this is told by its shape.
     */
    static boolean kernelMade(Route r) {
        return r.getScope() == 253 && r.getGateway().isEmpty() && !r.getSource().isEmpty() && !r.getDest().isEmpty();
    }

    public void addNeighbors(List<ARPNeighbor> neighbors) {
        for (ARPNeighbor n : neighbors) {
            if (!n.hasToIPAddress() || n.getToIPAddress().getAddress().isEmpty() || n.getDevice().isEmpty()) {
                throw AgentException.invalid("ARP neighbour needs an IP address and a device, got " + n);
            }
            List<String> cmd = new ArrayList<>(List.of("neigh", "replace", n.getToIPAddress().getAddress()));
            if (!n.getLladdr().isEmpty()) {
                cmd.addAll(List.of("lladdr", n.getLladdr()));
            }
            cmd.addAll(List.of("dev", n.getDevice(), "nud", "permanent"));
            try {
                ip.run(cmd);
            } catch (AgentException e) {
                if (n.getLladdr().isEmpty()) {
                    throw e;
                }
                // busybox ip only shows and flushes neighbours: set a permanent entry with arp
                ip.arp(List.of("-i", n.getDevice(), "-s", n.getToIPAddress().getAddress(), n.getLladdr()));
            }
        }
    }

    /** Parses {@code ip -o addr show}: "2: eth0    inet 10.0.2.15/24 brd ... scope global eth0". */
    static Map<String, List<IPAddress>> parseAddresses(String out) {
        Map<String, List<IPAddress>> m = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] t = line.trim().split("\\s+");
            if (t.length < 4 || !t[0].endsWith(":")) {
                continue;
            }
            String dev = t[1];
            int at = dev.indexOf('@');
            if (at > 0) {
                dev = dev.substring(0, at);
            }
            IPFamily family;
            if (t[2].equals("inet")) {
                family = IPFamily.v4;
            } else if (t[2].equals("inet6")) {
                family = IPFamily.v6;
            } else {
                continue;
            }
            String[] am = t[3].split("/");
            IPAddress a = IPAddress.newBuilder().setFamily(family).setAddress(am[0])
                    .setMask(am.length > 1 ? am[1] : (family == IPFamily.v4 ? "32" : "128")).build();
            m.computeIfAbsent(dev, k -> new ArrayList<>()).add(a);
        }
        return m;
    }

    /** Parses {@code ip route show}: "default via 10.0.2.2 dev eth0", "10.0.2.0/24 dev eth0 scope link src ...". */
    static List<Route> parseRoutes(String out, IPFamily family) {
        List<Route> routes = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] t = line.trim().split("\\s+");
            if (t.length == 0 || t[0].isEmpty()) {
                continue;
            }
            Route.Builder r = Route.newBuilder().setFamily(family);
            int i = 0;
            if (t[0].equals("unreachable") || t[0].equals("blackhole") || t[0].equals("prohibit")
                    || t[0].equals("local") || t[0].equals("broadcast")) {
                continue;
            }
            r.setDest(t[0].equals("default") ? "" : t[0]);
            i++;
            while (i < t.length) {
                String k = t[i];
                String v = i + 1 < t.length ? t[i + 1] : "";
                switch (k) {
                    case "via" -> { r.setGateway(v); i += 2; }
                    case "dev" -> { r.setDevice(v); i += 2; }
                    case "src" -> { r.setSource(v); i += 2; }
                    case "scope" -> { r.setScope(scope(v)); i += 2; }
                    case "proto", "metric", "table", "pref", "expires", "mtu" -> i += 2;
                    default -> i++;
                }
            }
            routes.add(r.build());
        }
        return routes;
    }

    static int scope(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "global", "universe" -> 0;
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

    private List<String> linkNames() {
        try (Stream<Path> s = Files.list(sysClassNet)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw AgentException.internal("listing " + sysClassNet + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p).trim() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static long readLong(Path p) {
        try {
            return Long.parseLong(read(p));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long readHex(Path p) {
        String s = read(p);
        try {
            return s.startsWith("0x") ? Long.parseLong(s.substring(2), 16) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
