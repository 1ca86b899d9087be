package dev.jkata.runtime.network;

import dev.jkata.hypervisor.NetDevice;
import dev.jkata.hypervisor.VmConfig;
import dev.jkata.runtime.agent.AgentClient;
import dev.jkata.runtime.agent.AgentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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

    private final String sandboxId;
    private final Optional<Path> netns;
    private final CommandRunner runner;
    private final List<Plumbed> plumbed;

    private PodNetwork(String sandboxId, Optional<Path> netns, CommandRunner runner, List<Plumbed> plumbed) {
        this.sandboxId = sandboxId;
        this.netns = netns;
        this.runner = runner;
        this.plumbed = plumbed;
    }

    /** No network: no devices, nothing to configure or tear down. */
    public static PodNetwork none(String sandboxId) {
        return new PodNetwork(sandboxId, Optional.empty(), argv -> "", new ArrayList<>());
    }

    /**
     * Sets the network up as {@code spec} asks, running iproute2 in the pod's namespace through nsenter.
     *
     * @throws NetworkException when the settings conflict, the namespace is missing, or a command
     *     fails; whatever was already plumbed has been removed again
     */
    public static PodNetwork setUp(String sandboxId, NetworkSpec spec) throws NetworkException {
        Objects.requireNonNull(spec, "spec");
        if (spec.netns().isPresent() && !Files.exists(spec.netns().get())) {
            throw new NetworkException("sandbox " + sandboxId + ": network namespace " + spec.netns().get()
                    + ": not found");
        }
        CommandRunner runner = spec.netns().<CommandRunner>map(NsenterRunner::new).orElse(argv -> "");
        return setUp(sandboxId, spec, runner);
    }

    /** {@link #setUp(String, NetworkSpec)} with another command runner (tests). */
    static PodNetwork setUp(String sandboxId, NetworkSpec spec, CommandRunner runner) throws NetworkException {
        if (spec.disableNewNetns() && spec.model() != InternetworkingModel.NONE) {
            throw new NetworkException("sandbox " + sandboxId + ": disable_new_netns = true works only with "
                    + "internetworking_model = \"none\", got \"" + spec.model().key() + "\"");
        }
        switch (spec.model()) {
            case NONE -> {
                LOG.log(System.Logger.Level.INFO, "sandbox {0}: internetworking_model = none, no network devices",
                        sandboxId);
                return none(sandboxId);
            }
            case MACVTAP -> throw new NetworkException("sandbox " + sandboxId
                    + ": internetworking_model = \"macvtap\" is not supported; use \"tcfilter\" or \"none\"");
            case TCFILTER -> {
            }
        }
        if (spec.netns().isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "sandbox {0}: the spec names no network namespace path, no network "
                    + "devices", sandboxId);
            return none(sandboxId);
        }
        Path ns = spec.netns().get();
        List<Endpoint> endpoints = NetnsScanner.scan(runner);
        PodNetwork net = new PodNetwork(sandboxId, spec.netns(), runner, new ArrayList<>());
        try {
            for (Endpoint e : endpoints) {
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

    /** The endpoints the VM took over, in namespace order. */
    public List<Endpoint> endpoints() {
        return plumbed.stream().map(Plumbed::endpoint).toList();
    }

    /** The VM's network devices, one tap per endpoint. */
    public List<NetDevice> devices() {
        return plumbed.stream().<NetDevice>map(Plumbed::device).toList();
    }

    /** The namespace QEMU must run in: the pod's, when there is at least one device. */
    public Optional<Path> vmNetns() {
        return plumbed.isEmpty() ? Optional.empty() : netns;
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
     * Removes the tc qdiscs and taps (newest first). A namespace that is already gone (CNI DEL ran) has
     * nothing left to remove. Idempotent.
     *
     * @throws NetworkException naming every command that failed
     */
    public void tearDown() throws NetworkException {
        List<String> failed = new ArrayList<>();
        tearDown(failed);
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

    private void tearDown(List<String> failed) {
        if (plumbed.isEmpty()) {
            return;
        }
        if (netns.isPresent() && !Files.exists(netns.get()) && runner instanceof NsenterRunner) {
            LOG.log(System.Logger.Level.DEBUG, "sandbox {0}: network namespace {1} is gone, nothing to tear down",
                    sandboxId, netns.get());
            plumbed.clear();
            return;
        }
        java.util.Set<String> links;
        try {
            links = new java.util.HashSet<>();
            for (IpJson.Link l : IpJson.links(runner.run(List.of("ip", "-j", "link", "show")))) {
                links.add(l.name());
            }
        } catch (NetworkException ex) {
            failed.add(ex.getMessage());
            return;
        }
        for (Plumbed p : plumbed.reversed()) {
            String veth = p.endpoint().name();
            try {
                if (links.contains(veth) && IpJson.hasIngressQdisc(
                        runner.run(List.of("tc", "-j", "qdisc", "show", "dev", veth)))) {
                    runner.run(TcFilter.unplumb(veth, p.tap()).get(0));
                }
            } catch (NetworkException ex) {
                failed.add(ex.getMessage());
            }
            try {
                if (links.contains(p.tap())) {
                    runner.run(TcFilter.unplumb(veth, p.tap()).get(1));
                }
            } catch (NetworkException ex) {
                failed.add(ex.getMessage());
            }
        }
        plumbed.clear();
    }

    private void tearDownQuietly(Exception failure) {
        List<String> failed = new ArrayList<>();
        tearDown(failed);
        for (String f : failed) {
            failure.addSuppressed(new NetworkException(f));
        }
    }
}
