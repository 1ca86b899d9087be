package dev.jkata.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IpJsonTest {

    @Test
    void linksCarryKindTypeLowerCaseMacAndMtu() throws Exception {
        List<IpJson.Link> links = IpJson.links(IpSamples.LINKS);
        assertEquals(List.of("lo", "eth0", "tap0_kata", "br9"), links.stream().map(IpJson.Link::name).toList());
        IpJson.Link eth0 = links.get(1);
        assertEquals("veth", eth0.kind());
        assertEquals("ether", eth0.linkType());
        assertEquals("7e:a6:d4:54:96:ef", eth0.mac());
        assertEquals(1450, eth0.mtu());
        assertTrue(eth0.up());
        assertEquals("", links.get(0).kind());
    }

    @Test
    void addressesSkipLoopbackAndLinkLocal() throws Exception {
        Map<String, List<Endpoint.Address>> a = IpJson.addresses(IpSamples.ADDRS);
        assertEquals(List.of(), a.get("lo"));
        assertEquals(List.of(new Endpoint.Address(false, "10.200.250.2", 24), new Endpoint.Address(true, "fd00::2", 64)),
                a.get("eth0"));
    }

    @Test
    void routesSkipKernelAndNonUnicastAndMarkDefaultAndHostRoutes() throws Exception {
        List<Endpoint.RouteEntry> r = IpJson.routes(IpSamples.ROUTES4, false);
        assertEquals(List.of(
                new Endpoint.RouteEntry(false, "", "10.200.250.1", "eth0", "", 0, false),
                new Endpoint.RouteEntry(false, "192.168.7.7/32", "10.200.250.1", "eth0", "", 0, true),
                new Endpoint.RouteEntry(false, "172.16.0.0/12", "", "br9", "", 253, false)), r);
        List<Endpoint.RouteEntry> r6 = IpJson.routes(IpSamples.ROUTES6, true);
        assertEquals(List.of(new Endpoint.RouteEntry(true, "", "fd00::1", "eth0", "", 0, false)), r6);
    }

    @Test
    void onlyPermanentNeighbours() throws Exception {
        assertEquals(List.of(new Endpoint.Neighbour(false, "10.200.250.9", "02:00:00:00:00:09", "eth0")),
                IpJson.neighbours(IpSamples.NEIGH));
    }

    @Test
    void ingressQdiscIsFound() throws Exception {
        assertTrue(IpJson.hasIngressQdisc("[{\"kind\":\"noqueue\",\"handle\":\"0:\"},"
                + "{\"kind\":\"ingress\",\"handle\":\"ffff:\",\"parent\":\"ffff:fff1\"}]"));
        assertFalse(IpJson.hasIngressQdisc("[{\"kind\":\"noqueue\",\"handle\":\"0:\"}]"));
        assertFalse(IpJson.hasIngressQdisc(""));
    }

    @Test
    void scopesAreNetlinkNumbers() {
        assertEquals(0, IpJson.scope(""));
        assertEquals(0, IpJson.scope("global"));
        assertEquals(253, IpJson.scope("link"));
        assertEquals(254, IpJson.scope("host"));
        assertEquals(42, IpJson.scope("42"));
    }

    @Test
    void badOutputIsAnErrorNamingTheCommand() {
        NetworkException notJson = assertThrows(NetworkException.class, () -> IpJson.links("Object \"-j\" is unknown"));
        assertTrue(notJson.getMessage().startsWith("ip link show: expected iproute2 JSON output"), notJson.getMessage());
        NetworkException notArray = assertThrows(NetworkException.class, () -> IpJson.routes("{\"dst\":1}", false));
        assertTrue(notArray.getMessage().contains("expected a JSON array"), notArray.getMessage());
        NetworkException noDst = assertThrows(NetworkException.class,
                () -> IpJson.routes("[{\"dev\":\"eth0\",\"gateway\":\"10.0.0.1\"}]", false));
        assertTrue(noDst.getMessage().contains("without \"dst\""), noDst.getMessage());
        NetworkException badPrefix = assertThrows(NetworkException.class, () -> IpJson.addresses(
                "[{\"ifname\":\"eth0\",\"addr_info\":[{\"family\":\"inet\",\"local\":\"10.0.0.2\",\"prefixlen\":\"x\"}]}]"));
        assertTrue(badPrefix.getMessage().contains("10.0.0.2 of eth0"), badPrefix.getMessage());
    }
}
