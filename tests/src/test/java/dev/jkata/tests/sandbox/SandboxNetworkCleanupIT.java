package dev.jkata.tests.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.runtime.config.RuntimeConfig;
import dev.jkata.runtime.network.InternetworkingModel;
import dev.jkata.runtime.network.NetworkSpec;
import dev.jkata.runtime.network.NetworkState;
import dev.jkata.runtime.sandbox.Sandbox;
import dev.jkata.runtime.state.SandboxCleaner;
import dev.jkata.runtime.state.SandboxState;
import dev.jkata.runtime.state.StateStore;
import dev.jkata.tests.network.TestNetns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The networking a sandbox makes is undone from {@code state.json} alone when the sandbox's owner is gone
 * (a crashed shim): real QEMU (TCG), the project's guest, tcfilter plumbing in a namespace made here as
 * CNI would; and the namespace made for a spec without one is deleted. The {@link Sandbox} object is
 * dropped without {@link Sandbox#stop()} before {@link SandboxCleaner} runs. Needs root.
 */
class SandboxNetworkCleanupIT {

    @TempDir
    Path tmp;

    @AutoClose
    private final Cleanups cleanups = new Cleanups();

    private Sandbox start(String id, NetworkSpec network) throws Exception {
        // the sandbox's close, registered last, runs first and finds nothing left after the cleaner below
        return SandboxFixture.start(cleanups, id, SandboxFixture.config(GuestAssets.require(), tmp), "net-cleanup-it",
                network);
    }

    @Test
    void tapsAndTcFiltersOfADroppedSandboxAreRemovedByTheCleaner() throws Exception {
        GuestAssets assets = GuestAssets.require();
        TestNetns ns = TestNetns.create();
        cleanups.add(ns);
        String id = "netclean-" + ns.name.substring(ns.name.length() - 6);
        Sandbox sandbox = start(id, new NetworkSpec(InternetworkingModel.TCFILTER, false, Optional.of(ns.path)));
        long vmPid = sandbox.vm().pid();
        assertTrue(ns.in("ip", "-o", "link", "show").contains("tap0_kata"), "tap0_kata in the pod netns");
        assertTrue(ns.in("tc", "filter", "show", "dev", "eth0", "ingress").contains("tap0_kata"),
                "eth0's ingress redirects to the tap");
        SandboxState saved = StateStore.load(sandbox.stateDir());
        assertEquals(new NetworkState(ns.path, false, List.of(new NetworkState.Link("eth0", "tap0_kata"))),
                saved.network(), "state.json records the plumbing");

        // The owner is gone: nobody calls sandbox.stop(); the shim's delete runs the cleaner.
        SandboxCleaner.Report report = SandboxCleaner.cleanup(sandbox.stateDir());
        assertTrue(report.killed().contains(vmPid), report.toString());
        String links = ns.in("ip", "link");
        assertFalse(links.contains("tap0_kata") || links.contains("_kata"), "no tap left:\n" + links);
        assertEquals("", ns.in("tc", "filter", "show", "dev", "eth0", "ingress").trim(), "no ingress filter left");
        assertFalse(ns.in("tc", "qdisc", "show", "dev", "eth0").contains("ingress"), "no ingress qdisc left");
        assertTrue(ns.in("ip", "-o", "addr", "show", "dev", "eth0").contains("inet " + ns.podIp() + "/24"),
                "eth0 is untouched");
        assertFalse(Files.exists(sandbox.stateDir()));
    }

    @Test
    void aNamespaceMadeForASpecWithoutOneIsUsedByQemuAndDeletedByTheCleaner() throws Exception {
        GuestAssets assets = GuestAssets.require();
        String id = "netnew-" + Long.toHexString(System.nanoTime() & 0xffffff);
        NetworkSpec network = NetworkSpec.from(RuntimeConfig.DEFAULT, dev.jkata.proto.agent.Spec.newBuilder()
                .setLinux(dev.jkata.proto.agent.Linux.newBuilder().addNamespaces(
                        dev.jkata.proto.agent.LinuxNamespace.newBuilder().setType("network")))
                .build());
        assertTrue(network.newNetns(), network.toString());
        Path made = Path.of("/run/netns/jkata-" + id);
        cleanups.add(() -> {
            if (TestNetns.run("ip", "netns", "list").contains("jkata-" + id)) {
                TestNetns.run("ip", "netns", "del", "jkata-" + id);
            }
        });
        Sandbox sandbox = start(id, network);
        long vmPid = sandbox.vm().pid();
        assertTrue(Files.exists(made), made + " exists");
        assertEquals(inode(made), netnsOf(vmPid), "QEMU runs in the namespace made for it");
        assertEquals(new NetworkState(made, true, List.of()), StateStore.load(sandbox.stateDir()).network());

        SandboxCleaner.cleanup(sandbox.stateDir());
        assertFalse(TestNetns.run("ip", "netns", "list").contains("jkata-" + id), "namespace deleted");
        assertFalse(Files.exists(made));
        // killed by the cleaner; until the sandbox's exit watcher reaps it, it is a zombie child of this JVM
        SandboxFixture.waitFor(() -> !ProcessHandle.of(vmPid).map(ProcessHandle::isAlive).orElse(false),
                Duration.ofSeconds(10), "QEMU gone");
    }

    private static String inode(Path nsFile) throws IOException {
        return Long.toString((Long) Files.getAttribute(nsFile, "unix:ino"));
    }

    private static String netnsOf(long pid) throws IOException {
        String target = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns/net")).toString();
        return target.substring(target.indexOf('[') + 1, target.indexOf(']'));
    }
}
