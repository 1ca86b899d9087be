package dev.jkata.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.hypervisor.AcceleratorChoice;
import dev.jkata.hypervisor.NetDevice;
import dev.jkata.hypervisor.VmConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodNetworkTest {

    private static final Path NS = Path.of("/var/run/netns/pod1");
    private static final NetworkSpec TCFILTER = new NetworkSpec(InternetworkingModel.TCFILTER, false, Optional.of(NS));

    private static final List<String> PLUMB_ETH0 = List.of(
            "ip tuntap add dev tap0_kata mode tap",
            "ip link set dev tap0_kata mtu 1450",
            "ip link set dev tap0_kata up",
            "tc qdisc add dev eth0 handle ffff: ingress",
            "tc filter add dev eth0 parent ffff: protocol all u32 match u8 0 0 action mirred egress redirect dev tap0_kata",
            "tc qdisc add dev tap0_kata handle ffff: ingress",
            "tc filter add dev tap0_kata parent ffff: protocol all u32 match u8 0 0 action mirred egress redirect dev eth0");

    @Test
    void vethIsScannedPlumbedAndBecomesATapDeviceInTheNamespace() throws Exception {
        FakeNetns ns = new FakeNetns();
        PodNetwork net = PodNetwork.setUp("sb1", TCFILTER, ns);

        assertEquals(PLUMB_ETH0, ns.changes());
        assertEquals(List.of(new NetDevice.Tap("net0", "tap0_kata", "7e:a6:d4:54:96:ef")), net.devices());
        Endpoint eth0 = net.endpoints().get(0);
        assertEquals("eth0", eth0.name());
        assertEquals(List.of(new Endpoint.Address(false, "10.200.250.2", 24), new Endpoint.Address(true, "fd00::2", 64)),
                eth0.addresses());
        assertEquals(3, eth0.routes().size(), "default v4, host route, default v6: " + eth0.routes());
        assertEquals(1, eth0.neighbours().size());

        VmConfig vm = net.applyTo(new VmConfig("sb1", Path.of("/run/x"), Path.of("/q"), Path.of("/k"), Path.of("/i"),
                null, "", "", 1, 0, 256, null, AcceleratorChoice.TCG, false));
        assertEquals(net.devices(), vm.netDevices());
        assertEquals(NS, vm.netns());
    }

    @Test
    void tearDownRemovesTheIngressQdiscAndTheTap() throws Exception {
        FakeNetns ns = new FakeNetns();
        PodNetwork net = PodNetwork.setUp("sb1", TCFILTER, ns);
        ns.commands.clear();
        net.tearDown();
        assertEquals(List.of("tc qdisc del dev eth0 ingress", "ip link del dev tap0_kata"), ns.changes());
        ns.commands.clear();
        net.tearDown();
        assertEquals(List.of(), ns.commands, "a second tear-down does nothing");
    }

    @Test
    void tearDownSkipsWhatIsAlreadyGone() throws Exception {
        FakeNetns ns = new FakeNetns();
        PodNetwork net = PodNetwork.setUp("sb1", TCFILTER, ns);
        ns.commands.clear();
        ns.links = "[{\"ifname\":\"eth0\",\"link_type\":\"ether\",\"address\":\"7e:a6:d4:54:96:ef\",\"mtu\":1450}]";
        ns.qdiscs = "[{\"kind\":\"noqueue\",\"handle\":\"0:\"}]";
        net.tearDown();
        assertEquals(List.of(), ns.changes(), "no tap and no ingress qdisc: nothing to delete");
    }

    @Test
    void aFailingTcCommandUndoesThePartialPlumbingAndNamesTheCommand() {
        FakeNetns ns = new FakeNetns();
        ns.failWhen = c -> c.startsWith("tc filter add dev tap0_kata");
        NetworkException e = assertThrows(NetworkException.class, () -> PodNetwork.setUp("sb1", TCFILTER, ns));
        assertTrue(e.getMessage().contains("plumbing eth0 <-> tap0_kata"), e.getMessage());
        assertTrue(e.getMessage().contains("tc filter add dev tap0_kata"), e.getMessage());
        List<String> changes = ns.changes();
        assertEquals(List.of("tc qdisc del dev eth0 ingress", "ip link del dev tap0_kata"),
                changes.subList(changes.size() - 2, changes.size()));
    }

    @Test
    void aFailingTapCreationLeavesNothingToUndo() {
        FakeNetns ns = new FakeNetns();
        ns.failWhen = c -> c.startsWith("ip tuntap add");
        assertThrows(NetworkException.class, () -> PodNetwork.setUp("sb1", TCFILTER, ns));
        assertEquals(List.of("ip tuntap add dev tap0_kata mode tap"), ns.changes());
    }

    @Test
    void modelNoneAndMissingNamespaceMeanNoDevices() throws Exception {
        FakeNetns ns = new FakeNetns();
        PodNetwork none = PodNetwork.setUp("sb1", new NetworkSpec(InternetworkingModel.NONE, false, Optional.of(NS)), ns);
        assertEquals(List.of(), none.devices());
        assertEquals(Optional.empty(), none.vmNetns());
        PodNetwork noNs = PodNetwork.setUp("sb1", new NetworkSpec(InternetworkingModel.TCFILTER, false,
                Optional.empty()), ns);
        assertEquals(List.of(), noNs.devices());
        assertEquals(List.of(), ns.commands, "nothing run in any namespace");
        noNs.tearDown();
    }

    @Test
    void disableNewNetnsNeedsModelNoneAndMacvtapIsRefused() {
        FakeNetns ns = new FakeNetns();
        NetworkException conflict = assertThrows(NetworkException.class, () -> PodNetwork.setUp("sb1",
                new NetworkSpec(InternetworkingModel.TCFILTER, true, Optional.of(NS)), ns));
        assertTrue(conflict.getMessage().contains("disable_new_netns"), conflict.getMessage());
        NetworkException macvtap = assertThrows(NetworkException.class, () -> PodNetwork.setUp("sb1",
                new NetworkSpec(InternetworkingModel.MACVTAP, false, Optional.of(NS)), ns));
        assertTrue(macvtap.getMessage().contains("macvtap"), macvtap.getMessage());
        assertEquals(List.of(), ns.commands);
    }

    @Test
    void missingNamespaceFileIsAnErrorNamingIt() {
        NetworkException e = assertThrows(NetworkException.class, () -> PodNetwork.setUp("sb1",
                new NetworkSpec(InternetworkingModel.TCFILTER, false, Optional.of(Path.of("/nonexistent/netns/x")))));
        assertTrue(e.getMessage().contains("/nonexistent/netns/x"), e.getMessage());
    }

    @Test
    void aSpecWithoutNamespacePathGetsANamespaceMadeAndDeletedAgain() throws Exception {
        FakeNetns inside = new FakeNetns();
        FakeNetns host = new FakeNetns();
        List<NetworkState> recorded = new ArrayList<>();
        NetworkTools tools = new NetworkTools(p -> inside, host, p -> true);
        PodNetwork net = PodNetwork.setUp("sb1", new NetworkSpec(InternetworkingModel.TCFILTER, false,
                Optional.empty(), true), tools, recorded::add);

        Path made = Path.of("/run/netns/jkata-sb1");
        assertEquals(List.of("ip netns add jkata-sb1"), host.commands);
        assertEquals(List.of(new NetworkState(made, true, List.of())), recorded, "recorded before it is made");
        assertEquals(Optional.of(made), net.vmNetns(), "QEMU runs in the new namespace");
        assertEquals(List.of(), net.devices(), "a fresh namespace has nothing to mirror");
        assertEquals(Optional.of(new NetworkState(made, true, List.of())), net.state());

        net.tearDown();
        assertEquals("ip netns del jkata-sb1", host.commands.getLast());
        assertEquals(Optional.empty(), net.state());
        host.commands.clear();
        net.tearDown();
        assertEquals(List.of(), host.commands, "a second tear-down does nothing");
    }

    @Test
    void eachEndpointIsRecordedBeforeItIsPlumbed() throws Exception {
        FakeNetns ns = new FakeNetns();
        List<String> order = new ArrayList<>();
        NetworkTools tools = new NetworkTools(p -> argv -> {
            order.add(String.join(" ", argv));
            return ns.run(argv);
        }, argv -> "", p -> true);
        PodNetwork net = PodNetwork.setUp("sb1", TCFILTER, tools, state -> order.add("RECORD " + state.links()));
        int record = order.indexOf("RECORD [Link[veth=eth0, tap=tap0_kata]]");
        assertTrue(record >= 0 && record < order.indexOf("ip tuntap add dev tap0_kata mode tap"), order.toString());
        assertEquals(Optional.of(new NetworkState(NS, false, List.of(new NetworkState.Link("eth0", "tap0_kata")))),
                net.state());
    }

    @Test
    void disableNewNetnsOrAPathMeansNoNamespaceIsMade() {
        NetworkSpec pathless = NetworkSpec.from(new dev.jkata.runtime.config.RuntimeConfig(false, "none", true, false,
                java.time.Duration.ofSeconds(60), List.of()), dev.jkata.proto.agent.Spec.getDefaultInstance());
        assertFalse(pathless.newNetns(), "disable_new_netns = true");
        assertThrows(IllegalArgumentException.class,
                () -> new NetworkSpec(InternetworkingModel.TCFILTER, false, Optional.of(NS), true));
        assertThrows(IllegalArgumentException.class,
                () -> new NetworkSpec(InternetworkingModel.NONE, true, Optional.empty(), true));
    }

    @Test
    void aFailedTearDownKeepsTheStateForTheCleaner() throws Exception {
        FakeNetns ns = new FakeNetns();
        PodNetwork net = PodNetwork.setUp("sb1", TCFILTER, ns);
        ns.failWhen = c -> c.startsWith("ip link del");
        NetworkException e = assertThrows(NetworkException.class, net::tearDown);
        assertTrue(e.getMessage().contains("ip link del dev tap0_kata"), e.getMessage());
        assertEquals(Optional.of(new NetworkState(NS, false, List.of(new NetworkState.Link("eth0", "tap0_kata")))),
                net.state(), "what is left stays recorded");
        ns.failWhen = c -> false;
        net.tearDown();
        assertEquals(Optional.empty(), net.state());
    }

    @Test
    void anOwnedNamespaceIsPlumbedRecordedAsOursAndDeletedAtTheEnd() throws Exception {
        FakeNetns inside = new FakeNetns();
        FakeNetns host = new FakeNetns();
        List<NetworkState> recorded = new ArrayList<>();
        Path owned = Path.of("/run/netns/jkata-cli1");
        PodNetwork net = PodNetwork.setUp("sb1", TCFILTER.owning(owned), new NetworkTools(p -> inside, host, p -> true),
                recorded::add);
        assertEquals(new NetworkState(owned, true, List.of()), recorded.getFirst(), "recorded before plumbing");
        assertEquals(PLUMB_ETH0, inside.changes());
        assertEquals(List.of(), host.commands, "not made here");
        assertEquals(Optional.of(new NetworkState(owned, true, List.of(new NetworkState.Link("eth0", "tap0_kata")))),
                net.state());
        net.tearDown();
        assertEquals(List.of("ip netns del jkata-cli1"), host.commands);

        PodNetwork none = PodNetwork.setUp("sb2", new NetworkSpec(InternetworkingModel.NONE, false, Optional.empty())
                .owning(owned), new NetworkTools(p -> inside, host, p -> true), state -> { });
        assertEquals(Optional.of(owned), none.vmNetns(), "QEMU runs in the owned namespace even without devices");
        assertThrows(IllegalArgumentException.class, () -> new NetworkSpec(InternetworkingModel.NONE, false,
                Optional.empty(), false, true));
    }
}
