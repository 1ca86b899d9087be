package dev.jkata.runtime.sandbox;

import dev.jkata.hypervisor.Accelerator;
import dev.jkata.hypervisor.Hypervisor;
import dev.jkata.hypervisor.HypervisorException;
import dev.jkata.hypervisor.VirtualMachine;
import dev.jkata.proto.agent.CreateContainerRequest;
import dev.jkata.proto.agent.CreateSandboxRequest;
import dev.jkata.proto.agent.KernelModule;
import dev.jkata.runtime.agent.AgentClient;
import dev.jkata.runtime.agent.AgentException;
import dev.jkata.runtime.agent.AgentTimeouts;
import dev.jkata.runtime.config.SharedFsType;
import dev.jkata.runtime.network.NetworkSpec;
import dev.jkata.runtime.network.NetworkTools;
import dev.jkata.runtime.network.PodNetwork;
import dev.jkata.runtime.oci.OciBundle;
import dev.jkata.runtime.state.ContainerState;
import dev.jkata.runtime.state.HostProcesses;
import dev.jkata.runtime.state.SandboxCleaner;
import dev.jkata.runtime.state.SandboxState;
import dev.jkata.runtime.state.StateException;
import dev.jkata.runtime.state.StateStore;
import dev.jkata.runtime.storage.LinuxMounter;
import dev.jkata.runtime.storage.Mounter;
import dev.jkata.ttrpc.Code;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One sandbox: a VM with the kata agent in it, its shared directory and its containers.
 * Orchestration only — the VM is the hypervisor's, the guest work the agent's. Thread-safe.
 *
 * <p>Lifecycle: {@link #create} (state dir, shared dir, VM boot, agent dial, CreateSandbox) →
 * {@link #createContainer} … → {@link #stop()} (DestroySandbox, VM stop, unmount, remove dirs).
 * Each step of create registers its undo, so a failure leaves nothing behind. A versioned state
 * record is written to {@code <stateDir>/state.json} after every change
 * ({@link dev.jkata.runtime.state.SandboxCleaner} uses it when this process is gone).
 */
public final class Sandbox implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Sandbox.class.getName());
    private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Duration DESTROY_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration VM_EXIT_WAIT = Duration.ofSeconds(15);
    /** The least time a TCG guest gets to bring its agent up. */
    static final Duration TCG_MIN_DIAL = Duration.ofSeconds(150);
    /** The mount tag of the shared directory (CONVENTIONS.md). */
    public static final String SHARED_TAG = "kataShared";

    private final String id;
    private final SandboxConfig config;
    private final Path stateDir;
    private final Path sharedDir;
    private final VirtualMachine vm;
    private final AgentClient agent;
    private final Mounter mounter;
    private final long virtiofsdPid;
    private final PodNetwork network;
    private final GuestVolumes volumes = new GuestVolumes();
    private final List<SandboxListener> listeners = new CopyOnWriteArrayList<>();
    /** Guards {@link #containers}, {@link #stopped}, {@link #teardown} and state-file writes. */
    private final Object lock = new Object();
    /** Containers by id, in creation order; guarded by {@link #lock}. */
    private final Map<String, Container> containers = new LinkedHashMap<>();
    /** Ids being created (reserved, not yet in {@link #containers}); guarded by {@link #lock}. */
    private final Set<String> creating = new HashSet<>();
    /** Reverts the sandbox-level steps of create; guarded by {@link #lock}. */
    private final Undo teardown;
    /** Set once by {@link #stop()}; guarded by {@link #lock}. */
    private boolean stopped;

    private Sandbox(String id, SandboxConfig config, Path stateDir, Path sharedDir, VirtualMachine vm,
            AgentClient agent, Mounter mounter, long virtiofsdPid, PodNetwork network, Undo teardown) {
        this.id = id;
        this.config = config;
        this.stateDir = stateDir;
        this.sharedDir = sharedDir;
        this.vm = vm;
        this.agent = agent;
        this.mounter = mounter;
        this.virtiofsdPid = virtiofsdPid;
        this.network = network;
        this.teardown = teardown;
    }

    /** {@link #create(String, SandboxConfig, Hypervisor, String, Mounter)} with real mounts. */
    public static Sandbox create(String id, SandboxConfig config, Hypervisor hypervisor, String hostname)
            throws SandboxException {
        return create(id, config, hypervisor, hostname, new LinuxMounter());
    }

    /**
     * Creates a sandbox: makes {@code <runRoot>/<id>/} and {@code <sharedRoot>/<id>/shared/} (a
     * shared-propagation mount point, so later container mounts reach virtiofsd), boots the VM,
     * waits for the agent and sends CreateSandbox with the shared-directory storage. The calling
     * thread blocks for the boot; no lock is held meanwhile.
     *
     * @param hostname the guest's hostname; null or blank = the sandbox id's first 12 characters
     * @throws SandboxException INVALID_ARGUMENT for a bad id, ALREADY_EXISTS when the state
     *     directory exists, UNAVAILABLE/DEADLINE_EXCEEDED when the VM or agent fails to come up
     *     (message includes the console tail); everything done so far has been undone
     */
    public static Sandbox create(String id, SandboxConfig config, Hypervisor hypervisor, String hostname,
            Mounter mounter) throws SandboxException {
        return create(id, config, hypervisor, hostname, mounter, NetworkSpec.NONE);
    }

    /** {@link #create(String, SandboxConfig, Hypervisor, String, Mounter, NetworkSpec)} with real mounts. */
    public static Sandbox create(String id, SandboxConfig config, Hypervisor hypervisor, String hostname,
            NetworkSpec network) throws SandboxException {
        return create(id, config, hypervisor, hostname, new LinuxMounter(), network);
    }

    /**
     * As {@link #create(String, SandboxConfig, Hypervisor, String, Mounter)}, with pod networking: the
     * interfaces of {@code network}'s namespace are plumbed to taps before the VM boots (QEMU then runs
     * in that namespace) and configured in the guest before CreateSandbox; {@link #stop()} removes the
     * plumbing after the VM is gone. {@link NetworkSpec#NONE} = no network devices.
     */
    public static Sandbox create(String id, SandboxConfig config, Hypervisor hypervisor, String hostname,
            Mounter mounter, NetworkSpec network) throws SandboxException {
        return create(id, config, hypervisor, hostname, mounter, network, NetworkTools.real());
    }

    /** As above, with other network tools (tests). */
    static Sandbox create(String id, SandboxConfig config, Hypervisor hypervisor, String hostname,
            Mounter mounter, NetworkSpec network, NetworkTools tools) throws SandboxException {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(hypervisor, "hypervisor");
        Objects.requireNonNull(mounter, "mounter");
        checkId("sandbox", id);
        Path stateDir = config.stateDirOf(id);
        Path sharedDir = config.sharedDirOf(id);
        Path sharedBase = sharedDir.getParent();
        try {
            Files.createDirectories(config.runRoot());
            Files.createDirectory(stateDir);
        } catch (FileAlreadyExistsException e) {
            throw new SandboxException(Code.ALREADY_EXISTS, "sandbox " + id + ": state directory " + stateDir
                    + " already exists", e);
        } catch (IOException e) {
            throw new SandboxException(Code.INTERNAL, "sandbox " + id + ": creating " + stateDir + ": "
                    + e.getMessage(), e);
        }
        Undo undo = new Undo();
        try {
            Files.createDirectories(config.sharedRoot());
            Files.createDirectory(sharedBase);
            undo.push("remove " + sharedBase, () -> SandboxCleaner.removeTree(sharedBase, mounter));
            Files.createDirectory(sharedDir);
            if (config.sharedFs() != SharedFsType.NONE) {
                mounter.makeSharedMountPoint(sharedDir);
                undo.push("unmount " + sharedDir, () -> mounter.unmountAllUnder(sharedDir));
            }
            SandboxState initial = new SandboxState(SandboxState.SCHEMA_VERSION, id, stateDir, sharedDir, 0, 0,
                    ProcessHandle.current().pid(), null, List.of());
            save(initial);

            // pod network (dev.jkata.runtime.network): taps + tc in the pod netns (or a netns made for the VM),
            // recorded in state.json before each step so SandboxCleaner can undo it; torn down after the VM stops
            PodNetwork podNetwork = PodNetwork.setUp(id, network, tools,
                    made -> saveQuietly(initial.withNetwork(made)));
            undo.push("tear down the network of " + id, podNetwork::tearDown);
            VirtualMachine vm = hypervisor.start(podNetwork.applyTo(config.vmConfigOf(id, stateDir, sharedDir)));
            undo.push("stop VM " + id, () -> stopVm(vm));
            long virtiofsdPid = config.sharedFs() == SharedFsType.VIRTIO_FS
                    ? findVirtiofsd(stateDir, vm.pid()) : 0;
            save(new SandboxState(SandboxState.SCHEMA_VERSION, id, stateDir, sharedDir, vm.pid(), virtiofsdPid,
                    ProcessHandle.current().pid(), null, List.of(), podNetwork.state().orElse(null)));

            AgentClient agent = AgentClient.connect(vm.agentEndpoint(), dialTimeouts(config, vm), vm);
            undo.push("close agent connection", agent::close);
            CreateSandboxRequest.Builder request = CreateSandboxRequest.newBuilder()
                    .setSandboxId(id)
                    .setHostname(hostname == null || hostname.isBlank() ? id.substring(0, Math.min(12, id.length()))
                            : hostname);
            SharedStorage.forConfig(config.sharedFs()).ifPresent(request::addStorages);
            for (String module : config.kernelModules()) {
                String[] words = module.trim().split("\\s+");
                request.addKernelModules(KernelModule.newBuilder().setName(words[0])
                        .addAllParameters(List.of(words).subList(1, words.length)));
            }
            podNetwork.configureGuest(agent); // interfaces, routes, neighbours: before CreateSandbox, as upstream
            agent.createSandbox(request.build());

            Sandbox sandbox = new Sandbox(id, config, stateDir, sharedDir, vm, agent, mounter, virtiofsdPid, podNetwork,
                    undo);
            vm.exited().whenComplete((code, error) -> sandbox.onVmExit(code == null ? -1 : code));
            sandbox.persist();
            LOG.log(System.Logger.Level.INFO, "sandbox {0} is up: VM pid {1} ({2})", id, vm.pid(), vm.accelerator());
            return sandbox;
        } catch (SandboxException e) {
            unwind(undo, stateDir, mounter, e);
            throw e;
        } catch (HypervisorException e) {
            SandboxException failure = new SandboxException(Code.UNAVAILABLE, "sandbox " + id + ": starting the VM: "
                    + e.getMessage(), e);
            unwind(undo, stateDir, mounter, failure);
            throw failure;
        } catch (AgentException e) {
            String vmm = config.vm().hypervisorPath().getFileName().toString();
            SandboxException failure = new SandboxException(e.code(), "sandbox " + id + " (" + vmm + "): "
                    + e.getMessage(), e);
            unwind(undo, stateDir, mounter, failure);
            throw failure;
        } catch (Exception e) {
            SandboxException failure = new SandboxException(Code.INTERNAL, "sandbox " + id + ": " + e.getMessage(), e);
            unwind(undo, stateDir, mounter, failure);
            throw failure;
        }
    }

    public String id() {
        return id;
    }

    public SandboxConfig config() {
        return config;
    }

    /** {@code <runRoot>/<id>}: sockets, console log, state.json. */
    public Path stateDir() {
        return stateDir;
    }

    /** {@code <sharedRoot>/<id>/shared}: what the guest sees at /run/kata-containers/shared/containers/. */
    public Path sharedDir() {
        return sharedDir;
    }

    public VirtualMachine vm() {
        return vm;
    }

    /** The agent connection (for RPCs this class has no method for). */
    public AgentClient agent() {
        return agent;
    }

    /** Completes with the VM's exit status when its process dies. */
    public CompletableFuture<Integer> vmExited() {
        return vm.exited().copy();
    }

    public boolean vmAlive() {
        return !vm.exited().isDone();
    }

    /** Adds a listener; if the VM is already gone it is told at once. */
    public void addListener(SandboxListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        Integer code = vm.exited().getNow(null);
        if (code != null) {
            listener.vmExited(code);
        }
    }

    public void removeListener(SandboxListener listener) {
        listeners.remove(listener);
    }

    public Optional<Container> container(String containerId) {
        synchronized (lock) {
            return Optional.ofNullable(containers.get(containerId));
        }
    }

    public Collection<Container> containers() {
        synchronized (lock) {
            return List.copyOf(containers.values());
        }
    }

    /**
     * Creates a container in the guest: mounts its rootfs ({@code rootfs} mounts as containerd passes
     * them, or a bind of the bundle's rootfs when empty) and shared binds on the host, rewrites the
     * spec to guest paths and sends CreateContainer. Undone completely on failure.
     */
    public Container createContainer(String containerId, OciBundle bundle, List<RootfsMount> rootfs)
            throws SandboxException {
        checkId("container", containerId);
        Objects.requireNonNull(bundle, "bundle");
        if (config.sharedFs() == SharedFsType.NONE) {
            throw new SandboxException(Code.FAILED_PRECONDITION, "container " + containerId
                    + ": shared_fs = \"none\" cannot carry a container rootfs into the guest");
        }
        synchronized (lock) {
            requireRunning("create container " + containerId);
            if (containers.containsKey(containerId) || !creating.add(containerId)) {
                throw new SandboxException(Code.ALREADY_EXISTS, "container " + containerId + " already exists in sandbox "
                        + id);
            }
        }
        Undo undo = new Undo();
        try {
            ContainerStorage.Prepared prepared = ContainerStorage.prepare(containerId, bundle,
                    rootfs == null ? List.of() : rootfs, sharedDir, mounter, undo, volumes);
            try {
                agent.createContainer(CreateContainerRequest.newBuilder()
                        .setContainerId(containerId)
                        .setExecId(containerId)
                        .addAllStorages(prepared.storages()) // guest tmpfs of emptyDirs / shm, shared by mount point
                        .setOCI(prepared.guestSpec())
                        .build());
            } catch (AgentException e) {
                throw Container.agentFailure("create container " + containerId, e);
            }
            Container container = new Container(this, agent, containerId, bundle, prepared.mounts(), undo);
            synchronized (lock) {
                creating.remove(containerId);
                containers.put(containerId, container);
            }
            persist();
            return container;
        } catch (SandboxException | RuntimeException e) {
            undo.run(e);
            synchronized (lock) {
                creating.remove(containerId);
            }
            throw e;
        }
    }

    /** Pauses every vCPU of the VM. */
    public void pause() throws SandboxException {
        try {
            vm.pause();
        } catch (HypervisorException e) {
            throw new SandboxException(Code.INTERNAL, "pause sandbox " + id + ": " + e.getMessage(), e);
        }
    }

    public void resume() throws SandboxException {
        try {
            vm.resume();
        } catch (HypervisorException e) {
            throw new SandboxException(Code.INTERNAL, "resume sandbox " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Ends the sandbox: DestroySandbox (best effort), VM and virtiofsd stopped, every container's
     * mounts and the shared mount removed, shared and state directories deleted. Idempotent.
     *
     * @throws SandboxException when something could not be cleaned up (then state.json is kept so
     *     {@link SandboxCleaner} can retry)
     */
    public void stop() throws SandboxException {
        List<Container> all;
        synchronized (lock) {
            if (stopped) {
                return;
            }
            stopped = true;
            all = new ArrayList<>(containers.values());
        }
        if (vmAlive()) {
            try {
                agent.destroySandbox(DESTROY_TIMEOUT);
            } catch (AgentException e) {
                LOG.log(System.Logger.Level.DEBUG, "DestroySandbox {0}: {1}", id, e.getMessage());
            }
        }
        List<String> failed = new ArrayList<>();
        agent.close();
        try {
            stopVm(vm);
        } catch (Exception e) {
            failed.add("stop VM: " + e);
        }
        for (Container c : all.reversed()) {
            failed.addAll(c.releaseHostSide());
        }
        synchronized (lock) {
            failed.addAll(teardown.run(null));
            if (failed.isEmpty()) {
                containers.clear();
                try {
                    SandboxCleaner.removeTree(stateDir, mounter);
                } catch (StateException e) {
                    failed.add(e.getMessage());
                }
            }
        }
        if (!failed.isEmpty()) {
            persist(); // with the containers and their mounts, for SandboxCleaner
            throw new SandboxException(Code.INTERNAL, "stop sandbox " + id + ": clean-up failed: " + failed);
        }
        LOG.log(System.Logger.Level.INFO, "sandbox {0} stopped and cleaned up", id);
    }

    /** Same as {@link #stop()}, logging instead of throwing. */
    @Override
    public void close() {
        try {
            stop();
        } catch (SandboxException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage(), e);
        }
    }

    // ---- package-private, for Container ----

    void processExited(Container container, ContainerProcess process) {
        ExitStatus status = process.exited().getNow(null);
        if (status == null) {
            return;
        }
        for (SandboxListener l : listeners) {
            try {
                l.processExited(container.id(), process.execId(), status);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "sandbox listener failed: " + e, e);
            }
        }
        persist();
    }

    void forget(Container container) {
        synchronized (lock) {
            containers.remove(container.id(), container);
        }
        persist();
    }

    /** Writes state.json from the current fields; failures are logged (the record is advisory). */
    void persist() {
        synchronized (lock) {
            if (!Files.isDirectory(stateDir)) {
                return; // removed by stop() or by SandboxCleaner
            }
            List<ContainerState> list = new ArrayList<>();
            for (Container c : containers.values()) {
                list.add(new ContainerState(c.id(), c.bundle().dir(), c.status().text(), c.mounts()));
            }
            try {
                save(new SandboxState(SandboxState.SCHEMA_VERSION, id, stateDir, sharedDir,
                        vmAlive() ? vm.pid() : 0, virtiofsdPid, ProcessHandle.current().pid(), null, list,
                        network.state().orElse(null)));
            } catch (SandboxException e) {
                LOG.log(System.Logger.Level.WARNING, e.getMessage(), e);
            }
        }
    }

    // ---- internals ----

    private void onVmExit(int code) {
        LOG.log(code == 0 ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                "sandbox {0}: VM process exited with status {1}", id, code);
        agent.close();
        for (Container c : containers()) {
            for (ContainerProcess p : c.liveProcesses()) {
                if (p.complete(ExitStatus.VM_GONE)) {
                    if (p == c.init()) {
                        c.markStopped();
                    }
                    processExited(c, p);
                }
            }
        }
        for (SandboxListener l : listeners) {
            try {
                l.vmExited(code);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "sandbox listener failed: " + e, e);
            }
        }
        persist();
    }

    private void requireRunning(String what) throws SandboxException {
        if (stopped) {
            throw new SandboxException(Code.FAILED_PRECONDITION, what + ": sandbox " + id + " is stopped");
        }
        if (!vmAlive()) {
            throw new SandboxException(Code.UNAVAILABLE, what + ": the VM of sandbox " + id + " has exited");
        }
    }

    /**
     * The agent deadlines for this VM. Kata's dial_timeout is sized for KVM; a TCG guest boots
     * several times slower (tens of seconds on a loaded host), so it gets at least {@link #TCG_MIN_DIAL}.
     */
    static AgentTimeouts dialTimeouts(SandboxConfig config, VirtualMachine vm) {
        AgentTimeouts t = config.agentTimeouts();
        if (vm.accelerator() == Accelerator.TCG && t.dial().compareTo(TCG_MIN_DIAL) < 0) {
            LOG.log(System.Logger.Level.DEBUG, "TCG guest: waiting up to {0} for the agent instead of {1}",
                    TCG_MIN_DIAL, t.dial());
            return new AgentTimeouts(TCG_MIN_DIAL, t.checkTry(), t.request());
        }
        return t;
    }

    private static long findVirtiofsd(Path stateDir, long vmPid) {
        for (long pid : HostProcesses.withArgument(stateDir + "/")) {
            if (pid != vmPid && HostProcesses.commandLine(pid).map(c -> c.contains("virtiofsd")).orElse(false)) {
                return pid;
            }
        }
        return 0;
    }

    private static void stopVm(VirtualMachine vm) throws Exception {
        vm.stop();
        vm.exited().get(VM_EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void save(SandboxState state) throws SandboxException {
        try {
            StateStore.save(state);
        } catch (StateException e) {
            throw new SandboxException(Code.INTERNAL, e.getMessage(), e);
        }
    }

    private static void saveQuietly(SandboxState state) {
        try {
            StateStore.save(state);
        } catch (StateException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage(), e);
        }
    }

    private static void unwind(Undo undo, Path stateDir, Mounter mounter, SandboxException failure) {
        List<String> failed = undo.run(failure);
        if (failed.isEmpty()) {
            try {
                SandboxCleaner.removeTree(stateDir, mounter);
            } catch (StateException e) {
                failure.addSuppressed(e);
            }
        }
    }

    static void checkId(String what, String value) throws SandboxException {
        if (value == null || !VALID_ID.matcher(value).matches()) {
            throw new SandboxException(Code.INVALID_ARGUMENT, what + " id \"" + value
                    + "\": expected 1-128 characters of [A-Za-z0-9_.-], not starting with '.', '_' or '-'");
        }
    }

}
