package dev.jkata.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.hypervisor.AcceleratorChoice;
import dev.jkata.hypervisor.HypervisorException;
import dev.jkata.hypervisor.SharedFs;
import dev.jkata.proto.agent.CreateContainerRequest;
import dev.jkata.proto.agent.CreateSandboxRequest;
import dev.jkata.proto.agent.DestroySandboxRequest;
import dev.jkata.proto.agent.Mount;
import dev.jkata.proto.agent.RemoveContainerRequest;
import dev.jkata.runtime.agent.AgentTimeouts;
import dev.jkata.runtime.config.AgentConfig;
import dev.jkata.runtime.config.KataConfig;
import dev.jkata.runtime.config.QemuConfig;
import dev.jkata.runtime.config.SharedFsType;
import dev.jkata.runtime.oci.OciBundle;
import dev.jkata.runtime.state.SandboxState;
import dev.jkata.runtime.state.StateStore;
import dev.jkata.ttrpc.Code;
import dev.jkata.ttrpc.TtrpcException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxTest {

    @TempDir
    Path tmp;

    private FakeAgent agent;
    private FakeHypervisor hypervisor;
    private FakeMounter mounter;
    private SandboxConfig config;
    private Path bundleDir;
    private Path volume;

    /**
     * A 1-vCPU 256 MiB TCG sandbox under {@code tmp} mapped from Kata's configuration as the front ends
     * map it ({@link SandboxConfigs#from}), with these agent deadlines.
     */
    private SandboxConfig config(SharedFsType sharedFs, String kernelParams, boolean agentDebug, List<String> modules,
            AgentTimeouts timeouts) {
        QemuConfig.Builder q = KataConfig.defaults().hypervisor().toBuilder();
        q.kernel = tmp.resolve("vmlinux");
        q.initrd = null;
        q.kernelParams = kernelParams;
        q.defaultVcpus = 1;
        q.defaultMemoryMiB = 256;
        q.sharedFs = sharedFs;
        q.accelerator = AcceleratorChoice.TCG;
        KataConfig kata = KataConfig.defaults().withHypervisor(q.build())
                .withAgent(new AgentConfig(Duration.ofSeconds(5), false, modules, agentDebug, 0));
        SandboxConfig c = SandboxConfigs.from(kata, tmp.resolve("run"), tmp.resolve("shared/sandboxes"));
        return new SandboxConfig(c.vm(), timeouts, c.runRoot(), c.sharedRoot(), c.kernelModules());
    }

    @BeforeEach
    void setUp() throws IOException {
        Path socket = tmp.resolve("agent.sock");
        agent = new FakeAgent(socket);
        hypervisor = new FakeHypervisor(socket);
        mounter = new FakeMounter();
        config = config(SharedFsType.VIRTIO_FS, "quiet", true, List.of("dummy numdummies=2", "loop"),
                new AgentTimeouts(Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(5)));
        bundleDir = tmp.resolve("bundle");
        Files.createDirectories(bundleDir.resolve("rootfs"));
        volume = tmp.resolve("vol.txt");
        Files.writeString(volume, "data");
        Files.writeString(bundleDir.resolve("config.json"), """
                {"ociVersion": "1.0.2",
                 "process": {"args": ["/bin/sh", "-c", "echo hi"], "cwd": "/", "user": {"uid": 0, "gid": 0}},
                 "root": {"path": "rootfs"},
                 "hostname": "box",
                 "mounts": [
                   {"destination": "/proc", "type": "proc", "source": "proc"},
                   {"destination": "/etc/vol.txt", "type": "bind", "source": "%s", "options": ["rbind", "ro"]}
                 ],
                 "hooks": {"prestart": [{"path": "/usr/bin/true"}]},
                 "linux": {"namespaces": [{"type": "pid"}, {"type": "network", "path": "/var/run/netns/x"},
                                          {"type": "mount"}, {"type": "ipc", "path": "/proc/1/ns/ipc"}]}}
                """.formatted(volume));
    }

    @AfterEach
    void tearDown() {
        agent.close();
    }

    private Sandbox newSandbox(String id) throws SandboxException {
        return Sandbox.create(id, config, hypervisor, "host1", mounter);
    }

    @Test
    void createBootsVmSendsCreateSandboxAndSavesState() throws Exception {
        try (Sandbox sandbox = newSandbox("sb1")) {
            assertEquals(tmp.resolve("run/sb1"), sandbox.stateDir());
            assertEquals(tmp.resolve("shared/sandboxes/sb1/shared"), sandbox.sharedDir());
            var vmConfig = hypervisor.lastConfig;
            assertEquals(new SharedFs.VirtioFs(sandbox.sharedDir(), "kataShared", Path.of("/usr/lib/qemu/virtiofsd"),
                    "auto", List.of()), vmConfig.sharedFs());
            assertEquals("quiet agent.log=debug", vmConfig.kernelParams());
            assertEquals(sandbox.stateDir(), vmConfig.stateDir());

            CreateSandboxRequest req = agent.received(CreateSandboxRequest.class).getFirst();
            assertEquals("sb1", req.getSandboxId());
            assertEquals("host1", req.getHostname());
            assertEquals("virtio-fs", req.getStorages(0).getDriver());
            assertEquals("kataShared", req.getStorages(0).getSource());
            assertEquals("virtiofs", req.getStorages(0).getFstype());
            assertEquals("/run/kata-containers/shared/containers/", req.getStorages(0).getMountPoint());
            assertEquals("dummy", req.getKernelModules(0).getName());
            assertEquals(List.of("numdummies=2"), req.getKernelModules(0).getParametersList());
            assertEquals("loop", req.getKernelModules(1).getName());
            assertEquals(0, req.getKernelModules(1).getParametersCount());

            assertEquals(List.of(sandbox.sharedDir()), mounter.mountPointsUnder(tmp));
            SandboxState state = StateStore.load(sandbox.stateDir());
            assertEquals(SandboxState.SCHEMA_VERSION, state.schemaVersion());
            assertEquals("sb1", state.sandboxId());
            assertEquals(4_000_000, state.vmPid());
            assertEquals(ProcessHandle.current().pid(), state.ownerPid());
        }
    }

    @Test
    void containerLifecycleMountsRewritesSpecAndCleansUp() throws Exception {
        Sandbox sandbox = newSandbox("sb2");
        List<String> events = new CopyOnWriteArrayList<>();
        sandbox.addListener(new SandboxListener() {
            @Override
            public void processExited(String containerId, String execId, ExitStatus status) {
                events.add(containerId + "/" + execId + "=" + status.code());
            }
        });
        Container c = sandbox.createContainer("c1", OciBundle.load(bundleDir), List.of());

        CreateContainerRequest req = agent.received(CreateContainerRequest.class).getFirst();
        assertEquals("c1", req.getContainerId());
        assertEquals("c1", req.getExecId());
        assertEquals("/run/kata-containers/shared/containers/c1/rootfs", req.getOCI().getRoot().getPath());
        Mount vol = req.getOCI().getMounts(1);
        assertEquals("/etc/vol.txt", vol.getDestination());
        assertEquals("/run/kata-containers/shared/containers/c1/mounts/1-vol.txt", vol.getSource());
        assertEquals("proc", req.getOCI().getMounts(0).getSource());
        assertFalse(req.getOCI().hasHooks(), "host hooks must not reach the guest");
        assertEquals(List.of("pid", "mount", "ipc"),
                req.getOCI().getLinux().getNamespacesList().stream().map(n -> n.getType()).toList());
        assertTrue(req.getOCI().getLinux().getNamespacesList().stream().allMatch(n -> n.getPath().isEmpty()));

        Path rootfs = sandbox.sharedDir().resolve("c1/rootfs");
        Path volTarget = sandbox.sharedDir().resolve("c1/mounts/1-vol.txt");
        assertEquals(List.of(new FakeMounter.Entry(bundleDir.resolve("rootfs").toString(), rootfs, "", List.of("rbind")),
                        new FakeMounter.Entry(volume.toString(), volTarget, "", List.of("rbind", "ro"))),
                mounter.mounted().subList(1, 3));
        assertTrue(Files.isRegularFile(volTarget), "a file bind needs a file mount point");
        assertEquals(List.of(rootfs, volTarget),
                StateStore.load(sandbox.stateDir()).containers().getFirst().mounts());

        c.start();
        assertEquals(Container.Status.RUNNING, c.status());
        agent.writeStdout("c1", "c1", "hello ");
        agent.writeStdout("c1", "c1", "world\n");
        agent.closeStdout("c1", "c1");
        assertEquals("hello world\n", new String(c.init().stdout().readAllBytes(), StandardCharsets.UTF_8));

        agent.exit("c1", "c1").complete(3);
        assertEquals(3, c.init().exited().get(5, TimeUnit.SECONDS).code());
        waitUntil(() -> events.contains("c1/c1=3"));
        assertEquals(Container.Status.STOPPED, c.status());

        c.remove();
        assertEquals("c1", agent.received(RemoveContainerRequest.class).getFirst().getContainerId());
        assertEquals(List.of(sandbox.sharedDir()), mounter.mountPointsUnder(tmp));
        assertFalse(Files.exists(sandbox.sharedDir().resolve("c1")));
        assertTrue(sandbox.container("c1").isEmpty());

        sandbox.stop();
        assertEquals(1, agent.received(DestroySandboxRequest.class).size());
        assertTrue(hypervisor.lastVm.exited().isDone());
        assertEquals(List.of(), mounter.mountPointsUnder(tmp));
        assertFalse(Files.exists(tmp.resolve("run/sb2")));
        assertFalse(Files.exists(tmp.resolve("shared/sandboxes/sb2")));
    }

    @Test
    void failingCreateContainerUndoesMountsAndDirectory() throws Exception {
        try (Sandbox sandbox = newSandbox("sb3")) {
            agent.failCreateContainer = new TtrpcException(Code.INVALID_ARGUMENT, "bad spec");
            SandboxException e = assertThrows(SandboxException.class,
                    () -> sandbox.createContainer("c1", OciBundle.load(bundleDir), List.of()));
            assertEquals(Code.INVALID_ARGUMENT, e.code());
            assertTrue(e.getMessage().contains("bad spec"), e.getMessage());
            assertEquals(List.of(sandbox.sharedDir()), mounter.mountPointsUnder(tmp));
            assertFalse(Files.exists(sandbox.sharedDir().resolve("c1")));
            assertTrue(sandbox.containers().isEmpty());
            assertTrue(StateStore.load(sandbox.stateDir()).containers().isEmpty());

            agent.failCreateContainer = null;
            Container again = sandbox.createContainer("c1", OciBundle.load(bundleDir), List.of());
            assertEquals("c1", again.id());
        }
        assertEquals(List.of(), mounter.mountPointsUnder(tmp));
    }

    @Test
    void failingVolumeMountUndoesRootfsMount() throws Exception {
        try (Sandbox sandbox = newSandbox("sb4")) {
            mounter.failMountsEndingWith("1-vol.txt");
            List<RootfsMount> overlay = List.of(new RootfsMount("overlay", "overlay",
                    List.of("lowerdir=/l", "upperdir=/u", "workdir=/w")));
            SandboxException e = assertThrows(SandboxException.class,
                    () -> sandbox.createContainer("c1", OciBundle.load(bundleDir), overlay));
            assertTrue(e.getMessage().contains("injected failure"), e.getMessage());
            assertTrue(mounter.log().contains("mount " + sandbox.sharedDir().resolve("c1/rootfs")));
            assertTrue(mounter.log().contains("umount " + sandbox.sharedDir().resolve("c1/rootfs")));
            assertEquals(List.of(sandbox.sharedDir()), mounter.mountPointsUnder(tmp));
            assertTrue(agent.received(CreateContainerRequest.class).isEmpty());
        }
    }

    @Test
    void vmDeathCompletesEveryWaitWith255() throws Exception {
        Sandbox sandbox = newSandbox("sb5");
        List<Integer> vmExits = new CopyOnWriteArrayList<>();
        List<String> exits = new CopyOnWriteArrayList<>();
        sandbox.addListener(new SandboxListener() {
            @Override
            public void processExited(String containerId, String execId, ExitStatus status) {
                exits.add(execId + "=" + status.code());
            }

            @Override
            public void vmExited(int vmStatus) {
                vmExits.add(vmStatus);
            }
        });
        Container c = sandbox.createContainer("c1", OciBundle.load(bundleDir), List.of());
        c.start();
        ContainerProcess exec = c.exec("e1", dev.jkata.proto.agent.Process.newBuilder().addArgs("sleep").build());
        long t0 = System.nanoTime();
        hypervisor.lastVm.crash(1);
        assertEquals(ExitStatus.VM_GONE, c.init().exited().get(2, TimeUnit.SECONDS).code());
        assertEquals(ExitStatus.VM_GONE, exec.exited().get(2, TimeUnit.SECONDS).code());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2));
        waitUntil(() -> vmExits.equals(List.of(1)));
        waitUntil(() -> exits.containsAll(List.of("c1=255", "e1=255")));
        SandboxException e = assertThrows(SandboxException.class,
                () -> sandbox.createContainer("c2", OciBundle.load(bundleDir), List.of()));
        assertEquals(Code.UNAVAILABLE, e.code());
        sandbox.stop();
        assertEquals(List.of(), mounter.mountPointsUnder(tmp));
        assertFalse(Files.exists(tmp.resolve("run/sb5")));
    }

    @Test
    void vmDyingDuringAgentDialFailsFastWithConsoleTailAndUnwinds() throws Exception {
        Path nobody = tmp.resolve("nobody.sock");
        FakeHypervisor silent = new FakeHypervisor(nobody);
        SandboxConfig slow = config(SharedFsType.VIRTIO_9P, "", false, List.of(),
                AgentTimeouts.withDial(Duration.ofSeconds(30)));
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException ignored) {
                return;
            }
            silent.lastVm.crash(1);
        });
        long t0 = System.nanoTime();
        SandboxException e = assertThrows(SandboxException.class,
                () -> Sandbox.create("sb6", slow, silent, null, mounter));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "must not wait for the dial timeout");
        assertEquals(Code.UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("exited with status 1"), e.getMessage());
        assertTrue(e.getMessage().startsWith("sandbox sb6 (qemu-system-x86_64): VM process"), e.getMessage());
        assertTrue(e.getMessage().contains("fake guest booting"), e.getMessage());
        assertEquals(List.of(), mounter.mountPointsUnder(tmp));
        assertFalse(Files.exists(tmp.resolve("run/sb6")));
        assertFalse(Files.exists(tmp.resolve("shared/sandboxes/sb6")));
    }

    @Test
    void anAgentThatNeverAnswersFailsAfterTheDialTimeoutWithTheVmsStateAndUnwinds() throws Exception {
        FakeHypervisor mute = new FakeHypervisor(tmp.resolve("nobody.sock"));
        mute.accelerator = dev.jkata.hypervisor.Accelerator.KVM;
        SandboxConfig quick = config(SharedFsType.VIRTIO_FS, "", false, List.of(),
                new AgentTimeouts(Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(2)));
        SandboxException e = assertThrows(SandboxException.class,
                () -> Sandbox.create("sb9", quick, mute, null, mounter));
        assertEquals(Code.DEADLINE_EXCEEDED, e.code());
        assertTrue(e.getMessage().startsWith("sandbox sb9 (qemu-system-x86_64): agent at serial:"), e.getMessage());
        assertTrue(e.getMessage().contains("did not answer grpc.Health/Check within PT2S"), e.getMessage());
        assertTrue(e.getMessage().contains("; the VM: fake vCPU 0 halted; console log "), e.getMessage());
        assertTrue(e.getMessage().contains("fake guest booting"), e.getMessage());
        assertTrue(mute.lastVm.stops.get() >= 1 && mute.lastVm.exited.isDone(), "the VM is stopped");
        assertEquals(List.of(), mounter.mountPointsUnder(tmp));
        assertFalse(Files.exists(tmp.resolve("run/sb9")));
        assertFalse(Files.exists(tmp.resolve("shared/sandboxes/sb9")));
    }

    @Test
    void hypervisorFailureUnwindsDirectoriesAndSharedMount() throws Exception {
        hypervisor.failStart = new HypervisorException("kernel /nope: no such file");
        SandboxException e = assertThrows(SandboxException.class, () -> newSandbox("sb7"));
        assertEquals(Code.UNAVAILABLE, e.code());
        assertInstanceOf(HypervisorException.class, e.getCause());
        assertTrue(e.getMessage().contains("kernel /nope"), e.getMessage());
        assertEquals(List.of(), mounter.mountPointsUnder(tmp));
        assertFalse(Files.exists(tmp.resolve("run/sb7")));
        assertFalse(Files.exists(tmp.resolve("shared/sandboxes/sb7")));
    }

    @Test
    void rejectsBadAndDuplicateIds() throws Exception {
        SandboxException bad = assertThrows(SandboxException.class, () -> newSandbox("../x"));
        assertEquals(Code.INVALID_ARGUMENT, bad.code());
        assertTrue(bad.getMessage().contains("\"../x\""), bad.getMessage());
        try (Sandbox sandbox = newSandbox("sb8")) {
            SandboxException dup = assertThrows(SandboxException.class, () -> newSandbox("sb8"));
            assertEquals(Code.ALREADY_EXISTS, dup.code());
            assertEquals(1, hypervisor.started.get());
            sandbox.createContainer("c1", OciBundle.load(bundleDir), List.of());
            SandboxException dupC = assertThrows(SandboxException.class,
                    () -> sandbox.createContainer("c1", OciBundle.load(bundleDir), List.of()));
            assertEquals(Code.ALREADY_EXISTS, dupC.code());
        }
    }

    @Test
    void stdinIsWrittenAndClosedThroughTheAgent() throws Exception {
        try (Sandbox sandbox = newSandbox("sb9")) {
            Container c = sandbox.createContainer("c1", OciBundle.load(bundleDir), List.of());
            c.start();
            try (var in = c.init().stdin()) {
                in.write("abc".getBytes(StandardCharsets.UTF_8));
            }
            synchronized (agent.stdin) {
                assertEquals("abc", agent.stdin.toString(StandardCharsets.UTF_8));
            }
            assertEquals(1, agent.received(dev.jkata.proto.agent.CloseStdinRequest.class).size());
            SandboxException early = assertThrows(SandboxException.class, c::start);
            assertEquals(Code.FAILED_PRECONDITION, early.code());
        }
    }

    @Test
    void pauseResumeStatsAndUpdateGoToTheAgentWithItsCodes() throws Exception {
        try (Sandbox sandbox = newSandbox("sb10")) {
            assertEquals(tmp.resolve("run/sb10"), config.stateDirOf("sb10"));
            assertEquals(sandbox.sharedDir(), config.sharedDirOf("sb10"));
            Container c = sandbox.createContainer("c1", OciBundle.load(bundleDir), List.of());
            SandboxException notRunning = assertThrows(SandboxException.class, c::pause);
            assertEquals(Code.FAILED_PRECONDITION, notRunning.code());
            c.start();
            c.pause();
            assertEquals(Container.Status.PAUSED, c.status());
            assertEquals("paused", StateStore.load(sandbox.stateDir()).containers().getFirst().status());
            c.resume();
            assertEquals(Container.Status.RUNNING, c.status());
            assertEquals(1, agent.received(dev.jkata.proto.agent.PauseContainerRequest.class).size());
            assertEquals(1, agent.received(dev.jkata.proto.agent.ResumeContainerRequest.class).size());
            // The fake agent does not serve these: its status code reaches the caller.
            SandboxException stats = assertThrows(SandboxException.class, c::stats);
            assertEquals(Code.UNIMPLEMENTED, stats.code());
            assertTrue(stats.getMessage().contains("StatsContainer"), stats.getMessage());
            SandboxException update = assertThrows(SandboxException.class,
                    () -> c.update(dev.jkata.proto.agent.LinuxResources.getDefaultInstance()));
            assertEquals(Code.UNIMPLEMENTED, update.code());
            sandbox.pause();
            assertTrue(hypervisor.lastVm.paused);
            sandbox.resume();
            assertFalse(hypervisor.lastVm.paused);
            c.signal(9, true);
            var signal = agent.received(dev.jkata.proto.agent.SignalProcessRequest.class).getFirst();
            assertEquals("", signal.getExecId(), "all processes: empty exec id");
            assertEquals(9, signal.getSignal());
        }
    }

    @Test
    void aFailedUnmountOnStopKeepsTheStateForTheCleanerAndDeletesNothingMounted() throws Exception {
        Sandbox sandbox = newSandbox("sb11");
        Container c = sandbox.createContainer("c1", OciBundle.load(bundleDir), List.of());
        Path rootfs = sandbox.sharedDir().resolve("c1/rootfs");
        mounter.failUnmountOf(rootfs);
        SandboxException e = assertThrows(SandboxException.class, sandbox::stop);
        assertTrue(e.getMessage().contains("EBUSY"), e.getMessage());
        assertTrue(hypervisor.lastVm.exited().isDone(), "the VM is stopped anyway");
        assertTrue(Files.isDirectory(rootfs), "a still-mounted rootfs is never deleted through");
        assertTrue(Files.exists(sandbox.stateDir().resolve("state.json")), "state.json stays for SandboxCleaner");
        var saved = StateStore.load(sandbox.stateDir()).containers().getFirst();
        assertEquals("c1", saved.id());
        assertEquals(List.of(rootfs, sandbox.sharedDir().resolve("c1/mounts/1-vol.txt")), saved.mounts());
        assertEquals("stopped", saved.status());
        assertEquals(Container.Status.STOPPED, c.status());
        mounter.failUnmountOf(null);
        dev.jkata.runtime.state.SandboxCleaner.cleanup(sandbox.stateDir(), mounter);
        assertEquals(List.of(), mounter.mountPointsUnder(tmp));
        assertFalse(Files.exists(sandbox.stateDir()));
        assertFalse(Files.exists(tmp.resolve("shared/sandboxes/sb11")));
    }

    @Test
    void guestLocalAndNonBindMountsAreNotShared() {
        Mount devBind = Mount.newBuilder().setDestination("/dev/fuse").setSource("/dev/fuse").setType("bind")
                .addOptions("rbind").build();
        Mount procBind = Mount.newBuilder().setDestination("/x").setSource("/proc/../proc/sys").addOptions("bind")
                .build();
        Mount tmpfs = Mount.newBuilder().setDestination("/tmp").setSource("tmpfs").setType("tmpfs").build();
        Mount hostDir = Mount.newBuilder().setDestination("/data").setSource("/srv/data").setType("none")
                .addOptions("rbind").addOptions("rw").build();
        Mount relative = Mount.newBuilder().setDestination("/r").setSource("rel/path").setType("bind").build();
        assertFalse(ContainerStorage.isSharedBind(devBind));
        assertFalse(ContainerStorage.isSharedBind(procBind));
        assertFalse(ContainerStorage.isSharedBind(tmpfs));
        assertTrue(ContainerStorage.isSharedBind(hostDir));
        assertFalse(ContainerStorage.isSharedBind(relative));
    }

    @Test
    void aMissingBindSourceIsNamedAndNothingIsLeftMounted() throws Exception {
        Files.delete(volume);
        try (Sandbox sandbox = newSandbox("sb12")) {
            SandboxException e = assertThrows(SandboxException.class,
                    () -> sandbox.createContainer("c1", OciBundle.load(bundleDir), List.of()));
            assertEquals(Code.INVALID_ARGUMENT, e.code());
            assertTrue(e.getMessage().contains("/etc/vol.txt") && e.getMessage().contains(volume.toString()),
                    e.getMessage());
            assertEquals(List.of(sandbox.sharedDir()), mounter.mountPointsUnder(tmp));
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aNamespaceMadeForTheSandboxIsRecordedUsedByTheVmAndDeletedOnStop() throws Exception {
        List<String> host = new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.jkata.runtime.network.NetworkTools tools = new dev.jkata.runtime.network.NetworkTools(
                p -> argv -> argv.contains("-j") ? "[]" : "", argv -> {
                    host.add(String.join(" ", argv));
                    return "";
                }, p -> true);
        dev.jkata.runtime.network.NetworkSpec spec = new dev.jkata.runtime.network.NetworkSpec(
                dev.jkata.runtime.network.InternetworkingModel.TCFILTER, false, java.util.Optional.empty(), true);
        Path made = Path.of("/run/netns/jkata-sb20");
        Sandbox sandbox = Sandbox.create("sb20", config, hypervisor, "host1", mounter, spec, tools);
        assertEquals(List.of("ip netns add jkata-sb20"), host);
        assertEquals(made, hypervisor.lastConfig.netns(), "QEMU starts in the new namespace");
        assertEquals(new dev.jkata.runtime.network.NetworkState(made, true, List.of()),
                StateStore.load(sandbox.stateDir()).network(), "state.json names it for SandboxCleaner");
        sandbox.stop();
        assertEquals(List.of("ip netns add jkata-sb20", "ip netns del jkata-sb20"), host);
    }
}
