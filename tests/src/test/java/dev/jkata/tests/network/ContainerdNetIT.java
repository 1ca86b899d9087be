package dev.jkata.tests.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.tests.containerd.Containerd;
import dev.jkata.tests.containerd.KataContainerd;
import dev.jkata.tests.containerd.KataSetup;
import dev.jkata.tests.containerd.Leaks;
import dev.jkata.tests.sandbox.GuestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The containerd path: {@code ctr run --runtime io.containerd.kata.v2 --with-ns network:<netns>} — the
 * shim reads the network namespace from the spec (as CRI hands it over after CNI ADD) and the guest gets
 * the namespace's address and default route.
 */
class ContainerdNetIT {

    private KataContainerd kata;
    private TestNetns ns;
    private String id;

    @AfterEach
    void cleanUp() throws Exception {
        if (kata != null) {
            kata.containerd().removeAll();
            if (id != null) {
                Leaks.killProcessesOf(id);
            }
            kata.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    void ctrRunWithAPodNetnsGetsItsAddressAndReachesTheHost() throws Exception {
        GuestAssets.requireNetworking();
        if (!Files.isExecutable(Path.of("/usr/bin/containerd")) || !Files.isExecutable(Path.of("/usr/bin/ctr"))) {
            GuestAssets.missing("containerd and ctr (Debian package containerd)");
        }
        kata = KataContainerd.start("jkata-ctr-net-", Map.of());
        Containerd containerd = kata.containerd();
        ns = TestNetns.create();
        id = "jkn" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

        Containerd.Result r = containerd.ctr(Duration.ofMinutes(4), "run", "--runtime", "io.containerd.kata.v2", "--rm",
                "--with-ns", "network:" + ns.path, KataSetup.IMAGE, id, "sh", "-c",
                "ip addr show eth0; ip route; ping -c 1 -W 20 " + ns.hostIp() + " && echo PING-OK");
        String diag = r.describe() + "\ncontainerd log:\n" + containerd.log();
        assertEquals(0, r.exit(), diag);
        assertTrue(r.out().contains("inet " + ns.podIp() + "/24"), diag);
        assertTrue(r.out().contains("default via " + ns.hostIp()), diag);
        assertTrue(r.out().contains("PING-OK"), diag);

        assertEquals(List.of(), Leaks.awaitGone(id, 30_000), "left behind by " + id);
        assertFalse(ns.exec("ip", "-o", "link", "show").contains("tap0_kata"), "tap0_kata removed");
        assertFalse(ns.exec("tc", "qdisc", "show", "dev", "eth0").contains("ingress"), "ingress qdisc removed");
    }
}
