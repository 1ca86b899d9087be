package dev.jkata.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jkata.proto.agent.AddARPNeighborsRequest;
import dev.jkata.proto.agent.Routes;
import dev.jkata.proto.types.IPFamily;
import dev.jkata.proto.types.Interface;
import dev.jkata.proto.types.Route;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuestNetworkTest {

    private static final Endpoint ETH0 = new Endpoint("eth0", "veth", "7e:a6:d4:54:96:ef", 1450, false,
            List.of(new Endpoint.Address(false, "10.200.250.2", 24), new Endpoint.Address(true, "fd00::2", 64)),
            List.of(new Endpoint.RouteEntry(false, "", "10.200.250.1", "eth0", "", 0, false),
                    new Endpoint.RouteEntry(false, "192.168.7.7/32", "10.200.250.1", "eth0", "10.200.250.2", 0, true),
                    new Endpoint.RouteEntry(true, "", "fd00::1", "eth0", "", 0, false)),
            List.of(new Endpoint.Neighbour(false, "10.200.250.9", "02:00:00:00:00:09", "eth0")));

    @Test
    void interfaceHasNameMacMtuAndAddressesWithPrefixLengths() {
        Interface i = GuestNetwork.iface(ETH0);
        assertEquals("eth0", i.getName());
        assertEquals("eth0", i.getDevice());
        assertEquals("7e:a6:d4:54:96:ef", i.getHwAddr());
        assertEquals(1450, i.getMtu());
        assertEquals("virtual", i.getType());
        assertEquals(0, i.getRawFlags());
        assertEquals(2, i.getIPAddressesCount());
        assertEquals(IPFamily.v4, i.getIPAddresses(0).getFamily());
        assertEquals("10.200.250.2", i.getIPAddresses(0).getAddress());
        assertEquals("24", i.getIPAddresses(0).getMask());
        assertEquals(IPFamily.v6, i.getIPAddresses(1).getFamily());
        assertEquals("64", i.getIPAddresses(1).getMask());
    }

    @Test
    void noArpSetsTheRawFlag() {
        Endpoint e = new Endpoint("eth1", "macvlan", "02:00:00:00:00:01", 1500, true, List.of(), List.of(), List.of());
        assertEquals(0x80, GuestNetwork.iface(e).getRawFlags());
        assertEquals("macvlan", GuestNetwork.iface(e).getType());
    }

    @Test
    void routesKeepDestGatewaySourceFamilyAndOnlink() {
        Routes r = GuestNetwork.routes(List.of(ETH0));
        assertEquals(3, r.getRoutesCount());
        Route def = r.getRoutes(0);
        assertEquals("", def.getDest());
        assertEquals("10.200.250.1", def.getGateway());
        assertEquals("eth0", def.getDevice());
        assertEquals(IPFamily.v4, def.getFamily());
        Route host = r.getRoutes(1);
        assertEquals("192.168.7.7/32", host.getDest());
        assertEquals("10.200.250.2", host.getSource());
        assertEquals(4, host.getFlags());
        assertEquals(IPFamily.v6, r.getRoutes(2).getFamily());
    }

    @Test
    void neighboursArePermanentWithTheirLinkLayerAddress() {
        AddARPNeighborsRequest req = GuestNetwork.neighbours(List.of(ETH0));
        assertEquals(1, req.getNeighbors().getARPNeighborsCount());
        var n = req.getNeighbors().getARPNeighbors(0);
        assertEquals("10.200.250.9", n.getToIPAddress().getAddress());
        assertEquals("02:00:00:00:00:09", n.getLladdr());
        assertEquals("eth0", n.getDevice());
        assertEquals(0x80, n.getState());
    }
}
