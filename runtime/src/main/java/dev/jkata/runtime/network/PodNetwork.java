package dev.jkata.runtime.network;

import dev.jkata.hypervisor.NetDevice;
import dev.jkata.hypervisor.VmConfig;
import dev.jkata.runtime.agent.AgentClient;
import dev.jkata.runtime.agent.AgentException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A sandbox's network on the host ({@code internetworking_model = "tcfilter"}): the endpoints of the
 * pod's network namespace, one tap per endpoint mirrored with tc, the VM devices for them and the
 * guest-side settings.
 *
 * <p>Use: {@link #setUp} before the VM boots, {@link #applyTo} on its {@link VmConfig} (QEMU then
 * starts inside the namespace and opens the taps by name), {@link #configureGuest} once the agent
 * answers, {@link #tearDown} after the VM is gone. Not thread-safe; owned by one sandbox.
 */
public final class PodNetwork {

    private static final System.Logger LOG = System.getLogger(PodNetwork.class.getName());

    private record Plumbed(Endpoint endpoint, String tap, NetDevice.Tap device) {
    }

    /** Where namespaces made for sandboxes live ({@code ip netns} names). */
    static final Path NETNS_DIR = Path.of("/run/netns");
    /** Name prefix of the namespaces made for sandboxes. */
    static final String NETNS_PREFIX = "jkata-";

    private final String sandboxId;
    private final Optional<Path> netns;
    private final NetworkTools tools;
    private final CommandRunner runner;
    private final List<Plumbed> plumbed;
    /** The namespace was made for this sandbox and still exists. */
    private boolean netnsCreated;

    private PodNetwork(String sandboxId, Optional<Path> netns, boolean netnsCreated, NetworkTools tools,
            List<Plumbed> plumbed) {
        this.sandboxId = sandboxId;
        this.netns = netns;
        this.netnsCreated = netnsCreated;
        this.tools = tools;
        this.runner = netns.isPresent() ? tools.inNetns().apply(netns.get()) : argv -> "";
        this.plumbed = plumbed;
    }

    /** No network: no devices, nothing to configure or tear down. */
    public static PodNetwork none(String sandboxId) {
        return new PodNetwork(sandboxId, Optional.empty(), false,
                new NetworkTools(p -> argv -> "", argv -> "", p -> false), new ArrayList<>());
    }

    /**
     * Sets the network up as {@code spec} asks, running iproute2 in the pod's namespace through nsenter.
     *
     * @throws NetworkException when the settings conflict, the namespace is missing, or a command
     *     fails; whatever was already plumbed has been removed again
     */
    public static PodNetwork setUp(String sandboxId, NetworkSpec spec) throws NetworkException {
        return setUp(sandboxId, spec, NetworkTools.real(), state -> { });
    }

    /**
     * As {@link #setUp(String, NetworkSpec)} with other tools, telling {@code recorder} what is about to
     * be made before it is made (the namespace, then each endpoint's tap and qdisc), so that a record
     * saved from it lets {@link #cleanUp} undo a set-up interrupted by a crash.
     */
    public static PodNetwork setUp(String sandboxId, NetworkSpec spec, NetworkTools tools,
            Consumer<NetworkState> recorder) throws NetworkException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(tools, "tools");
        Objects.requireNonNull(recorder, "recorder");
        if (spec.disableNewNetns() && spec.model() != InternetworkingModel.NONE) {
            throw new NetworkException("sandbox " + sandboxId + ": disable_new_netns = true works only with "
                    + "internetworking_model = \"none\", got \"" + spec.model().key() + "\"");
        }
        if (spec.model() == InternetworkingModel.MACVTAP) {
            throw new NetworkException("sandbox " + sandboxId
                    + ": internetworking_model = \"macvtap\" is not supported; use \"tcfilter\" or \"none\"");
        }
        if (spec.newNetns()) {
            return createNetns(sandboxId, tools, recorder);
        }
        boolean owned = spec.netnsOwned();
        if (owned) {
            Path ns = spec.netns().orElseThrow();
            if (!tools.netnsExists().test(ns)) {
                throw new NetworkException("sandbox " + sandboxId + ": network namespace " + ns
                        + ": not found (no such file, or no namespace mounted on it)");
            }
            recorder.accept(new NetworkState(ns, true, List.of()));
            if (spec.model() == InternetworkingModel.NONE) {
                return new PodNetwork(sandboxId, spec.netns(), true, tools, new ArrayList<>());
            }
        }
        if (spec.model() == InternetworkingModel.NONE) {
            LOG.log(System.Logger.Level.INFO, "sandbox {0}: internetworking_model = none, no network devices",
                    sandboxId);
            return none(sandboxId);
        }
        if (spec.netns().isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "sandbox {0}: the spec names no network namespace path, no network "
                    + "devices", sandboxId);
            return none(sandboxId);
        }
        Path ns = spec.netns().get();
        if (!tools.netnsExists().test(ns)) {
            throw new NetworkException("sandbox " + sandboxId + ": network namespace " + ns
                    + ": not found (no such file, or no namespace mounted on it)");
        }
        PodNetwork net = new PodNetwork(sandboxId, spec.netns(), owned, tools, new ArrayList<>());
        try {
            List<Endpoint> endpoints = NetnsScanner.scan(net.runner);
            for (Endpoint e : endpoints) {
                List<NetworkState.Link> intended = new ArrayList<>(net.links());
                intended.add(new NetworkState.Link(e.name(), TcFilter.tapName(net.plumbed.size())));
                recorder.accept(new NetworkState(ns, owned, intended));
                net.plumb(e);
            }
        } catch (NetworkException e) {
            net.tearDownQuietly(e);
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, "sandbox {0}: network namespace {1}: {2}", sandboxId, ns,
                net.plumbed.stream().map(p -> p.endpoint().name() + "<->" + p.tap() + " " + p.endpoint().addresses())
                        .toList());
        return net;
    }

    /** {@link #setUp(String, NetworkSpec)} with one command runner for every namespace (tests). */
    static PodNetwork setUp(String sandboxId, NetworkSpec spec, CommandRunner runner) throws NetworkException {
        return setUp(sandboxId, spec, new NetworkTools(p -> runner, runner, p -> true), state -> { });
    }

    /** The namespace made for a sandbox whose spec names none. */
    static Path netnsFor(String sandboxId) {
        return NETNS_DIR.resolve(NETNS_PREFIX + sandboxId);
    }

    private static PodNetwork createNetns(String sandboxId, NetworkTools tools, Consumer<NetworkState> recorder)
            throws NetworkException {
        Path ns = netnsFor(sandboxId);
        recorder.accept(new NetworkState(ns, true, List.of()));
        try {
            tools.host().run(List.of("ip", "netns", "add", ns.getFileName().toString()));
        } catch (NetworkException e) {
            throw new NetworkException("sandbox " + sandboxId + ": creating network namespace " + ns + ": "
                    + e.getMessage(), e);
        }
        LOG.log(System.Logger.Level.INFO, "sandbox {0}: the spec names no network namespace; made {1} for the VM",
                sandboxId, ns);
        return new PodNetwork(sandboxId, Optional.of(ns), true, tools, new ArrayList<>());
    }

    /**
     * What this network made, for the sandbox's saved state; empty when it made nothing (or after
     * {@link #tearDown}).
     */
    public Optional<NetworkState> state() {
        if (netns.isEmpty() || (!netnsCreated && plumbed.isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(new NetworkState(netns.get(), netnsCreated, links()));
    }

    private List<NetworkState.Link> links() {
        return plumbed.stream().map(p -> new NetworkState.Link(p.endpoint().name(), p.tap())).toList();
    }

    /** The endpoints the VM took over, in namespace order. */
    public List<Endpoint> endpoints() {
        return plumbed.stream().map(Plumbed::endpoint).toList();
    }

    /** The VM's network devices, one tap per endpoint. */
    public List<NetDevice> devices() {
        return plumbed.stream().<NetDevice>map(Plumbed::device).toList();
    }

    /** The namespace QEMU must run in: the pod's when there is at least one device, or the one made for it. */
    public Optional<Path> vmNetns() {
        return plumbed.isEmpty() && !netnsCreated ? Optional.empty() : netns;
    }

    /** {@code config} with this network's devices and namespace. */
    public VmConfig applyTo(VmConfig config) {
        return config.withNetwork(devices(), vmNetns().orElse(null));
    }

    /**
     * Gives the guest the pod's settings: UpdateInterface per endpoint, then UpdateRoutes and
     * AddARPNeighbors when there are any (before CreateSandbox, as upstream).
     *
     * @throws NetworkException naming the RPC and the interface when the agent refuses
     */
    public void configureGuest(AgentClient agent) throws NetworkException {
        List<Endpoint> endpoints = endpoints();
        if (endpoints.isEmpty()) {
            return;
        }
        for (Endpoint e : endpoints) {
            try {
                agent.updateInterface(GuestNetwork.iface(e));
            } catch (AgentException ex) {
                throw new NetworkException("sandbox " + sandboxId + ": UpdateInterface " + e.name() + " ("
                        + e.mac() + "): " + ex.getMessage(), ex);
            }
        }
        var routes = GuestNetwork.routes(endpoints);
        if (routes.getRoutesCount() > 0) {
            try {
                agent.updateRoutes(routes);
            } catch (AgentException ex) {
                throw new NetworkException("sandbox " + sandboxId + ": UpdateRoutes " + routes.getRoutesList()
                        + ": " + ex.getMessage(), ex);
            }
        }
        var neighbours = GuestNetwork.neighbours(endpoints);
        if (neighbours.getNeighbors().getARPNeighborsCount() > 0) {
            try {
                agent.addArpNeighbors(neighbours);
            } catch (AgentException ex) {
                throw new NetworkException("sandbox " + sandboxId + ": AddARPNeighbors: " + ex.getMessage(), ex);
            }
        }
    }

    /**
     * Removes the tc qdiscs and taps (newest first), then the namespace if it was made for the sandbox. A
     * namespace that is already gone (CNI DEL ran) has nothing left to remove. Idempotent; after a failure
     * {@link #state()} still names what is left.
     *
     * @throws NetworkException naming every command that failed
     */
    public void tearDown() throws NetworkException {
        Optional<NetworkState> state = state();
        if (state.isEmpty()) {
            return;
        }
        cleanUp(sandboxId, state.get(), tools); // on failure the state stays, for the sandbox's record and a retry
        plumbed.clear();
        netnsCreated = false;
    }

    /**
     * Undoes what {@code state} records, from the record alone (the sandbox's owner may be gone): in the
     * namespace, the ingress qdisc (with its redirect filter) of every recorded interface and every
     * recorded tap (endpoints are recorded before they are plumbed, so a crash half-way is covered; taps
     * of another sandbox in the same namespace are left alone); then the namespace itself when it was
     * made for the sandbox. What is already gone is skipped. Idempotent.
     *
     * @throws NetworkException naming every command that failed
     */
    public static void cleanUp(String sandboxId, NetworkState state, NetworkTools tools) throws NetworkException {
        List<String> failed = new ArrayList<>();
        Path ns = state.netns();
        if (!tools.netnsExists().test(ns)) {
            LOG.log(System.Logger.Level.DEBUG, "sandbox {0}: network namespace {1} is gone, nothing to tear down",
                    sandboxId, ns);
            return;
        }
        CommandRunner in = tools.inNetns().apply(ns);
        try {
            Set<String> links = new LinkedHashSet<>();
            for (IpJson.Link l : IpJson.links(in.run(List.of("ip", "-j", "link", "show")))) {
                links.add(l.name());
            }
            Set<String> taps = new LinkedHashSet<>();
            for (NetworkState.Link link : state.links().reversed()) {
                String veth = link.veth();
                try {
                    if (links.contains(veth) && IpJson.hasIngressQdisc(
                            in.run(List.of("tc", "-j", "qdisc", "show", "dev", veth)))) {
                        in.run(TcFilter.unplumb(veth, link.tap()).get(0));
                    }
                } catch (NetworkException ex) {
                    failed.add(ex.getMessage());
                }
                taps.add(link.tap());
            }
            for (String tap : taps) {
                try {
                    if (links.contains(tap)) {
                        in.run(List.of("ip", "link", "del", "dev", tap));
                    }
                } catch (NetworkException ex) {
                    failed.add(ex.getMessage());
                }
            }
        } catch (NetworkException ex) {
            failed.add(ex.getMessage());
        }
        if (state.netnsCreated()) {
            try {
                tools.host().run(List.of("ip", "netns", "del", ns.getFileName().toString()));
            } catch (NetworkException ex) {
                failed.add(ex.getMessage());
            }
        }
        if (!failed.isEmpty()) {
            throw new NetworkException("sandbox " + sandboxId + ": network tear-down: " + String.join("; ", failed));
        }
    }

    private void plumb(Endpoint e) throws NetworkException {
        String tap = TcFilter.tapName(plumbed.size());
        NetDevice.Tap device = new NetDevice.Tap("net" + plumbed.size(), tap, e.mac());
        List<List<String>> commands = TcFilter.plumb(e.name(), tap, e.mtu());
        int done = 0;
        try {
            for (List<String> c : commands) {
                runner.run(c);
                done++;
            }
        } catch (NetworkException ex) {
            // undo this endpoint's partial plumbing: the tap (if made) and the veth's qdisc (if added)
            undo(e.name(), tap, done >= 1, done >= 4, ex);
            throw new NetworkException("sandbox " + sandboxId + ": plumbing " + e.name() + " <-> " + tap + ": "
                    + ex.getMessage(), ex);
        }
        plumbed.add(new Plumbed(e, tap, device));
    }

    private void undo(String veth, String tap, boolean tapMade, boolean qdiscAdded, Exception failure) {
        List<List<String>> undo = TcFilter.unplumb(veth, tap);
        for (List<String> c : undo) {
            boolean isQdisc = c.get(0).equals("tc");
            if (isQdisc ? !qdiscAdded : !tapMade) {
                continue;
            }
            try {
                runner.run(c);
            } catch (NetworkException ex) {
                failure.addSuppressed(ex);
            }
        }
    }

    private void tearDownQuietly(Exception failure) {
        try {
            tearDown();
        } catch (NetworkException e) {
            failure.addSuppressed(e);
        }
    }
}
