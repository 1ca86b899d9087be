package dev.jkata.tests.sandbox;

import static dev.jkata.tests.sandbox.SandboxFixture.contentOf;
import static dev.jkata.tests.sandbox.SandboxFixture.readAll;
import static dev.jkata.tests.sandbox.SandboxFixture.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


import dev.jkata.hypervisor.VirtualMachine;
import dev.jkata.hypervisor.qemu.Qemu;
import dev.jkata.runtime.agent.AgentClient;
import dev.jkata.runtime.agent.AgentException;
import dev.jkata.runtime.agent.ConsoleTail;
import dev.jkata.runtime.config.SharedFsType;
import dev.jkata.runtime.oci.OciBundle;
import dev.jkata.runtime.sandbox.Container;
import dev.jkata.runtime.sandbox.ContainerProcess;
import dev.jkata.runtime.sandbox.ExitStatus;
import dev.jkata.runtime.sandbox.RootfsMount;
import dev.jkata.runtime.sandbox.Sandbox;
import dev.jkata.runtime.sandbox.SandboxConfig;
import dev.jkata.runtime.state.HostProcesses;
import dev.jkata.runtime.state.SandboxCleaner;
import dev.jkata.runtime.state.SandboxState;
import dev.jkata.runtime.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox end to end on this host: real QEMU (TCG here), real virtiofsd, the project's guest
 * kernel + initrd with the Java kata agent and crun, a busybox container. Needs root.
 */
class SandboxIT {

    @TempDir
    Path tmp;

    @AutoClose
    private final Cleanups cleanups = new Cleanups();

    private SandboxConfig config(GuestAssets assets) {
        return SandboxFixture.config(assets, tmp);
    }

    private Sandbox create(String id, SandboxConfig config) throws Exception {
        return SandboxFixture.start(cleanups, id, config, "sandbox-it");
    }

    @Test
    void busyboxContainerRunsInTheGuestKernelAndEverythingIsCleanedUp() throws Exception {
        GuestAssets assets = GuestAssets.require();
        Path rootfs = BusyboxBundle.rootfs(tmp);
        Path volume = tmp.resolve("volume.txt");
        Files.writeString(volume, "from the host volume\n");
        SandboxConfig config = config(assets);
        String hostKernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();

        long t0 = System.nanoTime();
        Sandbox sandbox = create("sandbox-it-1", config);
        System.out.printf("sandbox up in %d ms (VM pid %d, %s)%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), sandbox.vm().pid(), sandbox.vm().accelerator());
        Path stateDir = sandbox.stateDir();
        Path sharedBase = sandbox.sharedDir().getParent();
        SandboxState saved = StateStore.load(stateDir);
        assertEquals(sandbox.vm().pid(), saved.vmPid());
        assertTrue(saved.virtiofsdPid() > 0, "virtiofsd pid recorded: " + saved);

        // 1. uname -r and the volume, exit code passed through.
        Path bundle1 = BusyboxBundle.write(tmp.resolve("bundle1"), rootfs,
                List.of("/bin/sh", "-c", "uname -r; cat /etc/volume.txt; echo oops >&2; exit 7"), volume);
        Container c1 = sandbox.createContainer("c1", OciBundle.load(bundle1), List.of());
        assertTrue(isMounted(sandbox.sharedDir().resolve("c1/rootfs")), "rootfs mounted on the host");
        CompletableFuture<String> out1 = readAll(c1.init().stdout());
        CompletableFuture<String> err1 = readAll(c1.init().stderr());
        c1.start();
        ExitStatus exit1 = c1.init().exited().get(60, TimeUnit.SECONDS);
        String stdout = out1.get(30, TimeUnit.SECONDS);
        String[] lines = stdout.split("\n");
        System.out.println("container stdout: " + stdout.replace("\n", " | "));
        assertEquals(7, exit1.code(), () -> "exit code passthrough; stdout: " + stdout + " stderr: " + err1.getNow("?")
                + "\nconsole:\n" + ConsoleTail.of(sandbox.vm().consoleLog(), 6000));
        String guestKernel = lines[0].trim();
        assertNotEquals(hostKernel, guestKernel, "the container must run on the guest's kernel");
        assertTrue(guestKernel.matches("\\d+\\.\\d+\\.\\d+.*"), "a kernel release: " + guestKernel);
        assertEquals("from the host volume", lines[1].trim());
        assertEquals("oops", err1.get(30, TimeUnit.SECONDS).trim());
        c1.remove();
        assertFalse(isMounted(sandbox.sharedDir().resolve("c1/rootfs")), "rootfs unmounted after remove");
        assertFalse(Files.exists(sandbox.sharedDir().resolve("c1")));

        // 2. a long-running container: exec into it, then kill it.
        Path bundle2 = BusyboxBundle.write(tmp.resolve("bundle2"), rootfs, List.of("/bin/sleep", "600"), volume);
        Container c2 = sandbox.createContainer("c2", OciBundle.load(bundle2), List.of());
        c2.start();
        ContainerProcess exec = c2.exec("e1", dev.jkata.proto.agent.Process.newBuilder()
                .addAllArgs(List.of("/bin/sh", "-c", "echo exec-ok; exit 3"))
                .addEnv("PATH=/bin").setCwd("/").build());
        CompletableFuture<String> execOut = readAll(exec.stdout());
        assertEquals(3, exec.exited().get(60, TimeUnit.SECONDS).code());
        assertEquals("exec-ok", execOut.get(30, TimeUnit.SECONDS).trim());
        c2.signal(9, false);
        assertEquals(137, c2.init().exited().get(60, TimeUnit.SECONDS).code(), "SIGKILL status");

        // 3. destroy: no VMM or virtiofsd left, nothing mounted, directories gone.
        long vmPid = sandbox.vm().pid();
        sandbox.stop();
        assertFalse(ProcessHandle.of(vmPid).map(ProcessHandle::isAlive).orElse(false), "QEMU still alive");
        assertFalse(ProcessHandle.of(saved.virtiofsdPid()).map(ProcessHandle::isAlive).orElse(false),
                "virtiofsd still alive");
        assertEquals(List.of(), HostProcesses.withArgument(stateDir.toString()), "processes naming " + stateDir);
        assertEquals(List.of(), mountsUnder(tmp), "mounts left under " + tmp);
        assertFalse(Files.exists(stateDir), stateDir + " removed");
        assertFalse(Files.exists(sharedBase), sharedBase + " removed");
        assertTrue(Files.isRegularFile(volume), "the host volume itself is untouched");
    }

    @Test
    void virtio9pSharesRootfsAndVolumesWithoutVirtiofsd() throws Exception {
        GuestAssets assets = GuestAssets.require();
        Path rootfs = BusyboxBundle.rootfs(tmp);
        Path volume = tmp.resolve("volume.txt");
        Files.writeString(volume, "over 9p\n");
        Sandbox sandbox = create("sandbox-it-9p", SandboxFixture.config(assets, tmp, SharedFsType.VIRTIO_9P));
        assertEquals(0, StateStore.load(sandbox.stateDir()).virtiofsdPid(), "no virtiofsd with 9p");
        Path bundle = BusyboxBundle.write(tmp.resolve("bundle"), rootfs,
                List.of("/bin/sh", "-c", "cat /etc/volume.txt; exit 4"), volume);
        Container c = sandbox.createContainer("c1", OciBundle.load(bundle), List.of());
        CompletableFuture<String> out = readAll(c.init().stdout());
        c.start();
        assertEquals(4, c.init().exited().get(60, TimeUnit.SECONDS).code());
        assertEquals("over 9p", out.get(30, TimeUnit.SECONDS).trim());
        Path stateDir = sandbox.stateDir();
        sandbox.stop();
        assertEquals(List.of(), HostProcesses.withArgument(stateDir.toString()));
        assertEquals(List.of(), mountsUnder(tmp));
        assertFalse(Files.exists(stateDir));
    }

    @Test
    void pauseResumeStatsUpdateTerminalAndVmPause() throws Exception {
        GuestAssets assets = GuestAssets.require();
        Path rootfs = BusyboxBundle.rootfs(tmp);
        Path volume = tmp.resolve("volume.txt");
        Files.writeString(volume, "v\n");
        Sandbox sandbox = create("sandbox-it-3", config(assets));
        Path bundle = BusyboxBundle.write(tmp.resolve("bundle"), rootfs, List.of("/bin/sleep", "600"), volume);
        Container c = sandbox.createContainer("c1", OciBundle.load(bundle), List.of());
        c.start();

        var stats = c.stats();
        assertTrue(stats.hasCgroupStats(), "stats carry cgroup stats: " + stats);
        c.update(dev.jkata.proto.agent.LinuxResources.newBuilder()
                .setMemory(dev.jkata.proto.agent.LinuxMemory.newBuilder().setLimit(64L << 20)).build());

        c.pause();
        assertEquals(Container.Status.PAUSED, c.status());
        assertEquals("paused", StateStore.load(sandbox.stateDir()).containers().getFirst().status());
        c.resume();
        assertEquals(Container.Status.RUNNING, c.status());

        // The whole VM paused and resumed (QMP stop/cont); the guest carries on.
        sandbox.pause();
        sandbox.resume();

        ContainerProcess tty = c.exec("tty", dev.jkata.proto.agent.Process.newBuilder()
                .setTerminal(true)
                // the resize RPC races the process under TCG load: poll (60 s) until it has landed
                .addAllArgs(List.of("/bin/sh", "-c", "i=0; while [ $i -lt 60 ]; do s=$(stty size 2>/dev/null); "
                        + "[ \"$s\" = '33 111' ] && break; sleep 1; i=$((i+1)); done; echo \"size $s\"; exit 5"))
                .addEnv("PATH=/bin").setCwd("/").build());
        tty.resize(33, 111);
        CompletableFuture<String> ttyOut = readAll(tty.stdout());
        assertEquals(5, tty.exited().get(120, TimeUnit.SECONDS).code());
        assertTrue(ttyOut.get(30, TimeUnit.SECONDS).contains("size 33 111"), "stty size after resize: " + ttyOut.get());
        assertEquals(-1, tty.stderr().read(), "a terminal process has no separate stderr");

        // SIGKILL, not SIGTERM: the init of a pid namespace ignores signals it has no handler for.
        c.signal(9, true);
        assertEquals(137, c.init().exited().get(60, TimeUnit.SECONDS).code(), "SIGKILL to all processes");
        c.remove();
        sandbox.stop();
        assertEquals(List.of(), mountsUnder(tmp));
    }

    @Test
    void cleanerTearsDownASandboxWhoseOwnerIsGoneAndWaitsSeeTheVmDie() throws Exception {
        GuestAssets assets = GuestAssets.require();
        Path rootfs = BusyboxBundle.rootfs(tmp);
        Path volume = tmp.resolve("volume.txt");
        Files.writeString(volume, "v\n");
        Sandbox sandbox = create("sandbox-it-2", config(assets));
        Path stateDir = sandbox.stateDir();
        Path sharedBase = sandbox.sharedDir().getParent();

        // The rootfs as containerd passes it: an overlay of the image over a writable layer.
        Path upper = Files.createDirectories(tmp.resolve("ovl/upper"));
        Path work = Files.createDirectories(tmp.resolve("ovl/work"));
        List<RootfsMount> overlay = List.of(new RootfsMount("overlay", "overlay",
                List.of("lowerdir=" + rootfs, "upperdir=" + upper, "workdir=" + work)));
        Path bundle = BusyboxBundle.write(tmp.resolve("bundle"), tmp.resolve("bundle/rootfs"),
                List.of("/bin/sh", "-c", "echo written-in-guest > /marker; exec sleep 600"), volume);
        Container c = sandbox.createContainer("c1", OciBundle.load(bundle), overlay);
        CompletableFuture<String> out = readAll(c.init().stdout());
        c.start();
        // The file appears before its content is written: wait for both.
        waitFor(() -> contentOf(upper.resolve("marker")).equals("written-in-guest\n"),
                Duration.ofSeconds(60), "the container's write through virtio-fs lands in the overlay's upper dir");
        assertEquals("written-in-guest\n", Files.readString(upper.resolve("marker")));
        SandboxState saved = StateStore.load(stateDir);
        assertEquals(List.of("c1"), saved.containers().stream().map(x -> x.id()).toList());
        assertEquals("running", saved.containers().getFirst().status());

        // What the shim's delete does when its daemon died: clean up from state.json alone.
        SandboxCleaner.Report report = SandboxCleaner.cleanup(stateDir);
        assertTrue(report.killed().contains(saved.vmPid()), report.toString());
        assertTrue(saved.virtiofsdPid() > 0, "state.json records virtiofsd's pid");
        // virtiofsd exits by itself once QEMU is gone, so the cleaner may find it already dead:
        // what matters is that it is gone.
        waitFor(() -> ProcessHandle.of(saved.virtiofsdPid()).map(ProcessHandle::isAlive).orElse(false) == false,
                Duration.ofSeconds(10), "virtiofsd gone after the clean-up: " + report);
        assertEquals(ExitStatus.VM_GONE, c.init().exited().get(5, TimeUnit.SECONDS).code(),
                "a waiting container learns of the VM's death");
        assertEquals(List.of(), HostProcesses.withArgument(stateDir.toString()));
        assertEquals(List.of(), mountsUnder(tmp), "mounts left under " + tmp);
        assertFalse(Files.exists(stateDir));
        assertFalse(Files.exists(sharedBase));
        assertTrue(Files.isRegularFile(rootfs.resolve("bin/busybox")), "the image layer is untouched");
        sandbox.stop(); // the owner coming back late finds nothing left to do
        out.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anAgentThatNeverAnswersIsReportedWithWhatTheGuestIsDoing() throws Exception {
        GuestAssets assets = GuestAssets.require();
        // /bin/cat instead of /init: the guest boots and then reads a console that never has input,
        // so nothing ever opens the agent's port. (Sandbox.create waits at least 150 s for a TCG guest;
        // the dial itself is what this checks, the sandbox's unwinding is SandboxTest's.)
        SandboxConfig config = SandboxFixture.config(assets, tmp, SharedFsType.VIRTIO_9P, "rdinit=/bin/cat",
                Duration.ofSeconds(20));
        Path stateDir = Files.createDirectories(tmp.resolve("run/mute"));
        Path shared = Files.createDirectories(tmp.resolve("shared/mute"));
        long t0 = System.nanoTime();
        try (VirtualMachine vm = new Qemu().start(config.vmConfigOf("mute", stateDir, shared))) {
            AgentException e = assertThrows(AgentException.class,
                    () -> AgentClient.connect(vm.agentEndpoint(), config.agentTimeouts(), vm));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            String m = e.getMessage();
            assertTrue(m.contains("did not answer grpc.Health/Check within PT20S"), m);
            assertTrue(m.matches("(?s).*; the VM: QMP status running; vCPU 0 \\(thread \\d+\\) \\d+% busy; "
                    + "vCPU at RIP=[0-9a-f]{16} CPL=[03] HLT=[01];.*"), "the error says what the guest is doing: " + m);
            assertTrue(m.contains("; console log " + stateDir), "the error carries the console's tail: " + m);
            assertTrue(ms < 60_000, "failed at the dial timeout, not much later: " + ms + " ms");
            System.out.println("agent that never answers: " + m.lines().findFirst().orElse(""));
        }
        assertEquals(List.of(), HostProcesses.withArgument(stateDir.toString()), "QEMU naming " + stateDir);
    }

    private static boolean isMounted(Path point) throws IOException {
        return mountsUnder(point).contains(point.toString());
    }

    private static List<String> mountsUnder(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4 && (f[4].equals(dir.toString()) || f[4].startsWith(dir + "/"))) {
                out.add(f[4]);
            }
        }
        return out;
    }
}
