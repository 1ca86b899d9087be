package dev.jkata.agent.net;

import dev.jkata.agent.AgentException;
import dev.jkata.proto.types.ARPNeighbor;
import dev.jkata.proto.types.IPAddress;
import dev.jkata.proto.types.IPFamily;
import dev.jkata.proto.types.Interface;
import dev.jkata.proto.types.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkTest {

    static final String ADDRS = """
            1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
            2: eth0    inet 10.88.0.5/16 brd 10.88.255.255 scope global eth0\\       valid_lft forever
            2: eth0    inet6 fe80::1/64 scope link \\       valid_lft forever preferred_lft forever
            3: veth1@if4    inet 192.168.1.2/24 scope global veth1
            """;

    static final String ROUTES = """
            default via 10.88.0.1 dev eth0
            10.88.0.0/16 dev eth0 scope link  src 10.88.0.5
            blackhole 10.99.0.0/16
            """;

    @TempDir
    Path net;

    @Test
    void parsesIpOutput() {
        Map<String, List<IPAddress>> a = Network.parseAddresses(ADDRS);
        assertEquals("127.0.0.1", a.get("lo").getFirst().getAddress());
        assertEquals("8", a.get("lo").getFirst().getMask());
        assertEquals(2, a.get("eth0").size());
        assertEquals(IPFamily.v6, a.get("eth0").get(1).getFamily());
        assertEquals("192.168.1.2", a.get("veth1").getFirst().getAddress());

        List<Route> r = Network.parseRoutes(ROUTES, IPFamily.v4);
        assertEquals(2, r.size());
        assertEquals("", r.get(0).getDest());
        assertEquals("10.88.0.1", r.get(0).getGateway());
        assertEquals("eth0", r.get(0).getDevice());
        assertEquals("10.88.0.0/16", r.get(1).getDest());
        assertEquals(253, r.get(1).getScope());
        assertEquals("10.88.0.5", r.get(1).getSource());
    }

    private Network fake(List<List<String>> calls) throws Exception {
        Path eth = net.resolve("eth0");
        Files.createDirectories(eth);
        Files.writeString(eth.resolve("address"), "02:42:ac:11:00:02\n");
        Files.writeString(eth.resolve("mtu"), "1500\n");
        Files.writeString(eth.resolve("flags"), "0x1003\n");
        return new Network(args -> {
            calls.add(args);
            if (args.equals(List.of("-o", "addr", "show"))) {
                return ADDRS;
            }
            if (args.equals(List.of("route", "show"))) {
                return ROUTES;
            }
            if (args.getFirst().equals("-6")) {
                return "";
            }
            return "";
        }, net);
    }

    @Test
    void listsInterfacesFromSysfsAndIp() throws Exception {
        Network n = fake(new ArrayList<>());
        Interface eth0 = n.interfaces().getFirst();
        assertEquals("eth0", eth0.getName());
        assertEquals(1500, eth0.getMtu());
        assertEquals("02:42:ac:11:00:02", eth0.getHwAddr());
        assertEquals(0x1003, eth0.getRawFlags());
        assertEquals("10.88.0.5", eth0.getIPAddresses(0).getAddress());
    }

    @Test
    void updatesAnInterfaceFoundByMac() throws Exception {
        List<List<String>> calls = new ArrayList<>();
        Network n = fake(calls);
        n.update(Interface.newBuilder().setHwAddr("02:42:AC:11:00:02").setName("eth0").setMtu(1400)
                .addIPAddresses(IPAddress.newBuilder().setAddress("10.88.0.9").setMask("16")).build());
        assertTrue(calls.contains(List.of("link", "set", "dev", "eth0", "mtu", "1400")), calls.toString());
        assertTrue(calls.contains(List.of("addr", "add", "10.88.0.9/16", "dev", "eth0")), calls.toString());
        assertEquals(List.of("link", "set", "dev", "eth0", "up"),
                calls.stream().filter(c -> c.contains("up")).findFirst().orElseThrow());
        AgentException e = assertThrows(AgentException.class,
                () -> n.update(Interface.newBuilder().setHwAddr("00:00:00:00:00:01").setName("eth9").build()));
        assertTrue(e.getMessage().contains("00:00:00:00:00:01"), e.getMessage());
    }

    @Test
    void replacesRoutesLinkRoutesFirst() throws Exception {
        List<List<String>> calls = new ArrayList<>();
        Network n = fake(calls);
        n.updateRoutes(List.of(
                Route.newBuilder().setGateway("10.88.0.1").setDevice("eth0").build(),
                Route.newBuilder().setDest("10.88.0.0/16").setDevice("eth0").setScope(253).build()));
        List<List<String>> adds = calls.stream().filter(c -> c.size() > 1 && c.get(1).equals("replace")).toList();
        assertEquals(List.of("route", "replace", "10.88.0.0/16", "dev", "eth0", "scope", "link"), adds.get(0));
        assertEquals(List.of("route", "replace", "default", "via", "10.88.0.1", "dev", "eth0"), adds.get(1));
        assertTrue(calls.contains(List.of("route", "del", "default", "dev", "eth0")), calls.toString());
    }

    @Test
    void keepsTheKernelsAddressRouteSoAGatewayBehindItStaysReachable() throws Exception {
        List<List<String>> calls = new ArrayList<>();
        Network n = fake(calls);
        n.updateRoutes(List.of(Route.newBuilder().setGateway("10.88.0.1").setDevice("eth0").build()));
        assertTrue(calls.stream().noneMatch(c -> c.contains("del") && c.contains("10.88.0.0/16")), calls.toString());
        assertTrue(calls.contains(List.of("route", "del", "default", "dev", "eth0")), calls.toString());
        assertEquals(List.of("route", "replace", "default", "via", "10.88.0.1", "dev", "eth0"),
                calls.stream().filter(c -> c.size() > 1 && c.get(1).equals("replace")).toList().getFirst());
    }

    @Test
    void addsNeighbours() throws Exception {
        List<List<String>> calls = new ArrayList<>();
        Network n = fake(calls);
        n.addNeighbors(List.of(ARPNeighbor.newBuilder().setDevice("eth0").setLladdr("aa:bb:cc:dd:ee:ff")
                .setToIPAddress(IPAddress.newBuilder().setAddress("10.88.0.1")).build()));
        assertEquals(List.of("neigh", "replace", "10.88.0.1", "lladdr", "aa:bb:cc:dd:ee:ff", "dev", "eth0",
                "nud", "permanent"), calls.getLast());
        assertThrows(AgentException.class, () -> n.addNeighbors(List.of(ARPNeighbor.newBuilder().build())));
    }

    @Test
    void fallsBackToArpWhenIpCannotReplaceNeighbours() throws Exception {
        List<List<String>> arp = new ArrayList<>();
        Network n = new Network(new IpCommand() {
            @Override
            public String run(List<String> args) {
                throw AgentException.internal("ip: invalid argument 'replace' to 'ip'", null);
            }

            @Override
            public String arp(List<String> args) {
                arp.add(args);
                return "";
            }
        }, net);
        n.addNeighbors(List.of(ARPNeighbor.newBuilder().setDevice("eth0").setLladdr("aa:bb:cc:dd:ee:ff")
                .setToIPAddress(IPAddress.newBuilder().setAddress("10.0.0.1")).build()));
        assertEquals(List.of(List.of("-i", "eth0", "-s", "10.0.0.1", "aa:bb:cc:dd:ee:ff")), arp);
    }
}
