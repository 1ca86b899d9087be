package dev.jkata.runtime.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.runtime.network.CommandRunner;
import dev.jkata.runtime.network.NetworkException;
import dev.jkata.runtime.network.NetworkState;
import dev.jkata.runtime.network.NetworkTools;
import dev.jkata.runtime.storage.Mounter;
import dev.jkata.runtime.storage.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxCleanerTest {

    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    /** Mount points held in a list. */
    static final class ListMounter implements Mounter {
        final List<Path> points = new ArrayList<>();
        boolean failUnmount;

        @Override
        public void mount(String source, Path target, String fstype, List<String> options) {
            points.add(target);
        }

        @Override
        public void makeSharedMountPoint(Path dir) {
            points.add(dir);
        }

        @Override
        public void unmount(Path target) throws StorageException {
            if (failUnmount) {
                throw new StorageException("umount " + target + ": EBUSY (16)", 16, null);
            }
            if (!points.remove(target)) {
                throw new StorageException("umount " + target + ": EINVAL (22)", 22, null);
            }
        }

        @Override
        public List<Path> mountPointsUnder(Path dir) {
            return points.stream().filter(p -> p.startsWith(dir))
                    .sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
        }
    }

    /** A long-running process named {@code name} whose command line names the state directory. */
    private Process fakeHelper(Path stateDir, String name) throws Exception {
        Path file = Files.createTempFile(stateDir, "qmp", ".log");
        Path program = tmp.resolve("bin").resolve(name);
        Files.createDirectories(program.getParent());
        if (!Files.exists(program)) {
            Files.createSymbolicLink(program, Path.of("/usr/bin/tail"));
        }
        Process p = new ProcessBuilder(program.toString(), "-f", file.toString()).start();
        started.add(p);
        return p;
    }

    @Test
    void killsRecordedProcessesUnmountsAndRemovesDirectories() throws Exception {
        Path stateDir = tmp.resolve("run/sb");
        Path sharedDir = tmp.resolve("shared/sb/shared");
        Files.createDirectories(stateDir);
        Files.createDirectories(sharedDir.resolve("c1/rootfs"));
        Files.writeString(sharedDir.resolve("c1/rootfs/file"), "x");
        Process vmm = fakeHelper(stateDir, "qemu-system-x86_64");
        // Not recorded, but a virtiofsd naming the state dir: found by scanning.
        Process helper = fakeHelper(stateDir, "virtiofsd");
        // Names the state dir too, but is no VMM or daemon of ours: left alone.
        Process bystander = fakeHelper(stateDir, "tail");
        ListMounter mounter = new ListMounter();
        mounter.makeSharedMountPoint(sharedDir);
        mounter.mount("x", sharedDir.resolve("c1/rootfs"), "overlay", List.of());
        StateStore.save(new SandboxState(1, "sb", stateDir, sharedDir, vmm.pid(), 0, 1, null,
                List.of(new ContainerState("c1", tmp, "running", List.of(sharedDir.resolve("c1/rootfs"))))));

        SandboxCleaner.Report report = SandboxCleaner.cleanup(stateDir, mounter);
        assertEquals("sb", report.sandboxId());
        assertTrue(report.killed().contains(vmm.pid()), report.toString());
        assertTrue(report.killed().contains(helper.pid()), report.toString());
        assertTrue(vmm.waitFor(5, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(helper.waitFor(5, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(bystander.isAlive(), "only recorded pids and VMM/virtiofsd helpers are killed");
        assertEquals(List.of(sharedDir.resolve("c1/rootfs"), sharedDir), report.unmounted());
        assertEquals(List.of(), mounter.points);
        assertFalse(Files.exists(tmp.resolve("shared/sb")));
        assertFalse(Files.exists(stateDir));

        // Idempotent: nothing left, nothing to do.
        assertEquals(List.of(), SandboxCleaner.cleanup(stateDir, mounter).removed());
    }

    @Test
    void leavesDirectoriesThatStillHoldMounts() throws Exception {
        Path stateDir = tmp.resolve("run/sb");
        Path sharedDir = tmp.resolve("shared/sb/shared");
        Files.createDirectories(stateDir);
        Files.createDirectories(sharedDir.resolve("c1/rootfs"));
        Path precious = sharedDir.resolve("c1/rootfs/precious");
        Files.writeString(precious, "user data");
        ListMounter mounter = new ListMounter();
        mounter.mount("x", sharedDir.resolve("c1/rootfs"), "bind", List.of());
        mounter.failUnmount = true;
        StateStore.save(new SandboxState(1, "sb", stateDir, sharedDir, 0, 0, 0, null, List.of()));
        StateException e = assertThrows(StateException.class, () -> SandboxCleaner.cleanup(stateDir, mounter));
        assertTrue(e.getMessage().contains("EBUSY"), e.getMessage());
        assertTrue(Files.exists(precious), "a still-mounted rootfs must never be deleted through");
        assertTrue(Files.exists(stateDir.resolve("state.json")), "the record stays for a retry");
    }

    /** Answers iproute2 like a pod namespace with eth0 plumbed to tap0_kata, and another sandbox's tap1_kata. */
    static final class FakeIp implements CommandRunner {
        final List<String> commands = new ArrayList<>();

        @Override
        public String run(List<String> argv) {
            String c = String.join(" ", argv);
            commands.add(c);
            return switch (c) {
                case "ip -j link show" -> "[{\"ifname\":\"lo\"},{\"ifname\":\"eth0\"},{\"ifname\":\"tap0_kata\"},"
                        + "{\"ifname\":\"tap1_kata\"}]";
                case "tc -j qdisc show dev eth0" -> "[{\"kind\":\"ingress\",\"handle\":\"ffff:\"}]";
                default -> "";
            };
        }
    }

    @Test
    void removesTheRecordedTapsQdiscsAndTheNamespaceItMade() throws Exception {
        Path stateDir = tmp.resolve("run/sb");
        Path sharedDir = tmp.resolve("shared/sb/shared");
        Files.createDirectories(stateDir);
        Files.createDirectories(sharedDir);
        Path ns = Path.of("/run/netns/jkata-sb");
        StateStore.save(new SandboxState(SandboxState.SCHEMA_VERSION, "sb", stateDir, sharedDir, 0, 0, 0, null,
                List.of(), new NetworkState(ns, true, List.of(new NetworkState.Link("eth0", "tap0_kata")))));
        FakeIp inside = new FakeIp();
        FakeIp host = new FakeIp();
        List<Path> entered = new ArrayList<>();
        NetworkTools tools = new NetworkTools(p -> {
            entered.add(p);
            return inside;
        }, host, p -> true);

        SandboxCleaner.Report report = SandboxCleaner.cleanup(stateDir, new ListMounter(), tools);
        assertEquals(List.of(ns), entered);
        assertEquals(List.of("ip -j link show", "tc -j qdisc show dev eth0", "tc qdisc del dev eth0 ingress",
                "ip link del dev tap0_kata"), inside.commands,
                "qdisc of the recorded veth and the recorded tap; tap1_kata is not in the record");
        assertEquals(List.of("ip netns del jkata-sb"), host.commands);
        assertEquals(ns, report.network().netns());
        assertFalse(Files.exists(stateDir));
    }

    @Test
    void aNamespaceThatIsGoneNeedsNothingAndAFailureKeepsTheRecord() throws Exception {
        Path stateDir = tmp.resolve("run/sb");
        Path sharedDir = tmp.resolve("shared/sb/shared");
        Files.createDirectories(stateDir);
        Files.createDirectories(sharedDir);
        NetworkState net = new NetworkState(Path.of("/var/run/netns/cni-x"), false,
                List.of(new NetworkState.Link("eth0", "tap0_kata")));
        StateStore.save(new SandboxState(SandboxState.SCHEMA_VERSION, "sb", stateDir, sharedDir, 0, 0, 0, null,
                List.of(), net));
        CommandRunner failing = argv -> {
            throw new NetworkException(String.join(" ", argv) + ": exit status 1: Operation not permitted");
        };
        StateException e = assertThrows(StateException.class, () -> SandboxCleaner.cleanup(stateDir,
                new ListMounter(), new NetworkTools(p -> failing, failing, p -> true)));
        assertTrue(e.getMessage().contains("network tear-down") && e.getMessage().contains("ip -j link show"),
                e.getMessage());
        assertTrue(Files.exists(stateDir.resolve("state.json")), "the record stays for a retry");

        FakeIp inside = new FakeIp();
        SandboxCleaner.cleanup(stateDir, new ListMounter(), new NetworkTools(p -> inside, inside, p -> false));
        assertEquals(List.of(), inside.commands, "CNI DEL already removed the namespace: nothing to run");
        assertFalse(Files.exists(stateDir));
    }

    @Test
    void doesNotKillARecycledPid() throws Exception {
        Path stateDir = tmp.resolve("run/sb");
        Files.createDirectories(stateDir);
        Process unrelated = new ProcessBuilder("sleep", "300").start();
        started.add(unrelated);
        assertFalse(HostProcesses.kill(unrelated.pid(), stateDir.toString(), Duration.ofSeconds(1)));
        assertTrue(unrelated.isAlive());
    }
}
