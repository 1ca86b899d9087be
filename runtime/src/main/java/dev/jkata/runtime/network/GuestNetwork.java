package dev.jkata.runtime.network;

import dev.jkata.proto.agent.ARPNeighbors;
import dev.jkata.proto.agent.AddARPNeighborsRequest;
import dev.jkata.proto.agent.Routes;
import dev.jkata.proto.types.ARPNeighbor;
import dev.jkata.proto.types.IPAddress;
import dev.jkata.proto.types.IPFamily;
import dev.jkata.proto.types.Interface;
import dev.jkata.proto.types.Route;
import java.util.List;

/**
 * The agent messages that give the guest the pod's network settings, field for field as upstream Kata's
 * runtime sends them (UpdateInterface per endpoint, one UpdateRoutes, one AddARPNeighbors). Pure.
 */
public final class GuestNetwork {

    /** rtnetlink.h RTNH_F_ONLINK. */
    static final int RTNH_F_ONLINK = 4;
    /** if.h IFF_NOARP. */
    static final int IFF_NOARP = 0x80;
    /** neighbour.h NUD_PERMANENT. */
    static final int NUD_PERMANENT = 0x80;

    private GuestNetwork() {
    }

    /** The interface as the guest should have it: the endpoint's name, MAC, MTU and addresses. */
    public static Interface iface(Endpoint e) {
        Interface.Builder b = Interface.newBuilder()
                .setDevice(e.name())
                .setName(e.name())
                .setMtu(e.mtu())
                .setHwAddr(e.mac())
                .setType(e.kind().equals("veth") ? "virtual" : e.kind())
                .setRawFlags(e.noArp() ? IFF_NOARP : 0);
        for (Endpoint.Address a : e.addresses()) {
            b.addIPAddresses(address(a.v6(), a.address(), Integer.toString(a.prefixLength())));
        }
        return b.build();
    }

    /** Every endpoint's routes, each on the guest interface of the same name. */
    public static Routes routes(List<Endpoint> endpoints) {
        Routes.Builder b = Routes.newBuilder();
        for (Endpoint e : endpoints) {
            for (Endpoint.RouteEntry r : e.routes()) {
                b.addRoutes(Route.newBuilder()
                        .setDest(r.dest())
                        .setGateway(r.gateway())
                        .setDevice(e.name())
                        .setSource(r.source())
                        .setScope(r.scope())
                        .setFamily(r.v6() ? IPFamily.v6 : IPFamily.v4)
                        .setFlags(r.onLink() ? RTNH_F_ONLINK : 0));
            }
        }
        return b.build();
    }

    /** Every endpoint's permanent neighbours. */
    public static AddARPNeighborsRequest neighbours(List<Endpoint> endpoints) {
        ARPNeighbors.Builder b = ARPNeighbors.newBuilder();
        for (Endpoint e : endpoints) {
            for (Endpoint.Neighbour n : e.neighbours()) {
                b.addARPNeighbors(ARPNeighbor.newBuilder()
                        .setToIPAddress(address(n.v6(), n.address(), ""))
                        .setDevice(e.name())
                        .setLladdr(n.lladdr())
                        .setState(NUD_PERMANENT));
            }
        }
        return AddARPNeighborsRequest.newBuilder().setNeighbors(b).build();
    }

    private static IPAddress address(boolean v6, String address, String mask) {
        return IPAddress.newBuilder().setFamily(v6 ? IPFamily.v6 : IPFamily.v4).setAddress(address).setMask(mask)
                .build();
    }
}
