package dev.jkata.runtime.network;

/** iproute2 6.1 JSON output captured in a network namespace with a veth (eth0), as the tests' input. */
final class IpSamples {

    private IpSamples() {
    }

    static final String LINKS = """
            [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue",\
            "link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00"},\
            {"ifindex":2,"link_index":5,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1450,\
            "qdisc":"noqueue","operstate":"UP","link_type":"ether","address":"7E:A6:D4:54:96:EF",\
            "broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":0,"linkinfo":{"info_kind":"veth"}},\
            {"ifindex":3,"ifname":"tap0_kata","flags":["BROADCAST","MULTICAST","UP"],"mtu":1450,\
            "link_type":"ether","address":"3a:00:00:00:00:01","linkinfo":{"info_kind":"tun"}},\
            {"ifindex":4,"ifname":"br9","flags":["BROADCAST","MULTICAST"],"mtu":1500,\
            "link_type":"ether","address":"3a:00:00:00:00:02","linkinfo":{"info_kind":"bridge"}}]
            """;

    static final String ADDRS = """
            [{"ifindex":1,"ifname":"lo","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"},\
            {"family":"inet6","local":"::1","prefixlen":128,"scope":"host"}]},\
            {"ifindex":2,"ifname":"eth0","addr_info":[{"family":"inet","local":"10.200.250.2","prefixlen":24,\
            "scope":"global","label":"eth0"},{"family":"inet6","local":"fd00::2","prefixlen":64,"scope":"global"},\
            {"family":"inet6","local":"fe80::7ca6:d4ff:fe54:96ef","prefixlen":64,"scope":"link"}]}]
            """;

    static final String ROUTES4 = """
            [{"dst":"default","gateway":"10.200.250.1","dev":"eth0","flags":[]},\
            {"dst":"10.200.250.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"10.200.250.2","flags":[]},\
            {"dst":"192.168.7.7","gateway":"10.200.250.1","dev":"eth0","flags":["onlink"]},\
            {"type":"blackhole","dst":"10.9.0.0/16","flags":[]},\
            {"dst":"172.16.0.0/12","dev":"br9","scope":"link","flags":[]}]
            """;

    static final String ROUTES6 = """
            [{"dst":"fd00::/64","dev":"eth0","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},\
            {"dst":"fe80::/64","dev":"eth0","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},\
            {"dst":"default","gateway":"fd00::1","dev":"eth0","metric":1024,"flags":[],"pref":"medium"}]
            """;

    static final String NEIGH = """
            [{"dst":"10.200.250.9","dev":"eth0","lladdr":"02:00:00:00:00:09","state":["PERMANENT"]},\
            {"dst":"10.200.250.1","dev":"eth0","lladdr":"5a:00:00:00:00:01","state":["REACHABLE"]}]
            """;
}
