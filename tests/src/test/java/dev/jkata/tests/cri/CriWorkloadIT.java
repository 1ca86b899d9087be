package dev.jkata.tests.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.tests.cri.api.Cri;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a pod's containers get from the CRI spec, through containerd's CRI plugin and the kata-qemu
 * handler: the memory limit (an allocation over it is OOM-killed and CRI says "OOMKilled"), an emptyDir
 * shared by two containers, a read-only bind mount, and the pod's /etc/hostname, /etc/resolv.conf and
 * /etc/hosts. One containerd for the class, one pod per test, each removed with the leak checks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CriWorkloadIT {
    private CriFixture fx;
    private CriFixture.Pod pod;

    @BeforeAll
    void startContainerd() throws Exception {
        fx = CriFixture.start(Map.of());
    }

    @AfterEach
    void removePod() throws Exception {
        if (pod != null) {
            CriFixture.Pod p = pod;
            pod = null;
            CriFixture.assertNoLeaks(fx.removeAndCollectLeaks(p), p);
        }
    }

    @AfterAll
    void stopContainerd() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void aContainerOverItsMemoryLimitIsOomKilled() throws Exception {
        pod = fx.runPod("jkoom", b -> b);
        Cri.ContainerConfig.Builder hog = PodSpecs.shell("hog",
                "head -c 200m /dev/zero | tail >/dev/null; st=$?; echo tail-exited-$st; exit $st");
        hog.getLinuxBuilder().setResources(Cri.LinuxContainerResources.newBuilder()
                .setMemoryLimitInBytes(64L << 20));
        String id = fx.start(pod, hog.build());
        Cri.ContainerStatus s = fx.awaitExit(id, Duration.ofMinutes(3));
        String diag = s + "\nlog: " + fx.containerLog(pod, "hog") + "\ncontainerd log:\n" + fx.containerd().log();
        assertEquals(Cri.ContainerState.CONTAINER_EXITED, s.getState(), "the hog exits: " + diag);
        assertEquals("OOMKilled", s.getReason(), "CRI reports the OOM kill: " + diag);
        // busybox tail keeps the whole newline-free input: it is the one the kernel kills (SIGKILL: 128 + 9)
        assertTrue(fx.containerLog(pod, "hog").contains("tail-exited-137"), "tail was SIGKILLed: " + diag);
        assertEquals(137, s.getExitCode(), diag);
    }

    @Test
    void anEmptyDirIsSharedByTheContainersOfThePod() throws Exception {
        String uid = UUID.randomUUID().toString();
        pod = fx.runPod("jkempty", b -> b);
        Path cache = Files.createDirectories(pod.dir().resolve("volumes/kubernetes.io~empty-dir/cache"));
        Cri.Mount mount = Cri.Mount.newBuilder().setContainerPath("/cache").setHostPath(cache.toString()).build();
        String writer = fx.start(pod, PodSpecs.shell("writer", PodSpecs.SLEEP_UNTIL_TERM).addMounts(mount).build());
        String reader = fx.start(pod, PodSpecs.shell("reader", PodSpecs.SLEEP_UNTIL_TERM).addMounts(mount).build());

        CriClient.Exec w = fx.cri().execSync(writer, 60, "sh", "-c", "echo " + uid + " > /cache/note && sync");
        assertEquals(0, w.exit(), "writing the emptyDir: " + w.describe());
        CriClient.Exec r = fx.cri().execSync(reader, 60, "cat", "/cache/note");
        assertEquals(0, r.exit(), "the other container reads the file: " + r.describe());
        assertEquals(uid, r.out().strip(), r.describe());
    }

    @Test
    void aReadOnlyMountCannotBeWritten() throws Exception {
        pod = fx.runPod("jkro", b -> b);
        Path data = Files.createDirectories(pod.dir().resolve("ro-data"));
        Files.writeString(data.resolve("f"), "original\n");
        String c = fx.start(pod, PodSpecs.shell("ro", PodSpecs.SLEEP_UNTIL_TERM)
                .addMounts(Cri.Mount.newBuilder().setContainerPath("/data").setHostPath(data.toString())
                        .setReadonly(true))
                .build());

        CriClient.Exec read = fx.cri().execSync(c, 60, "cat", "/data/f");
        assertEquals(0, read.exit(), "the read-only mount is readable: " + read.describe());
        assertEquals("original", read.out().strip(), read.describe());
        CriClient.Exec write = fx.cri().execSync(c, 60, "sh", "-c", "echo changed > /data/f");
        assertNotEquals(0, write.exit(), "writing a read-only mount fails: " + write.describe());
        CriClient.Exec create = fx.cri().execSync(c, 60, "touch", "/data/new");
        assertNotEquals(0, create.exit(), "creating a file on a read-only mount fails: " + create.describe());
        assertEquals("original\n", Files.readString(data.resolve("f")), "the host file is unchanged");
        assertFalse(Files.exists(data.resolve("new")), "no file appeared on the host");
    }

    @Test
    void theContainerGetsThePodsHostnameDnsAndHosts() throws Exception {
        Cri.DNSConfig dns = Cri.DNSConfig.newBuilder().addServers("10.247.0.53").addServers("10.247.0.54")
                .addSearches("jk.svc.example").addSearches("example").addOptions("ndots:3").build();
        pod = fx.runPod("jkdns", b -> b.setHostname("jk-host-1").setDnsConfig(dns));
        String c = fx.start(pod, PodSpecs.shell("app", PodSpecs.SLEEP_UNTIL_TERM).build());

        CriClient.Exec hostname = fx.cri().execSync(c, 60, "cat", "/etc/hostname");
        assertEquals(0, hostname.exit(), hostname.describe());
        assertEquals("jk-host-1", hostname.out().strip(), "/etc/hostname is the pod's: " + hostname.describe());
        CriClient.Exec uts = fx.cri().execSync(c, 60, "hostname");
        assertEquals("jk-host-1", uts.out().strip(), "the UTS hostname is the pod's: " + uts.describe());

        CriClient.Exec resolv = fx.cri().execSync(c, 60, "cat", "/etc/resolv.conf");
        assertEquals(0, resolv.exit(), resolv.describe());
        List<String> lines = resolv.out().lines().map(String::strip).toList();
        assertTrue(lines.contains("nameserver 10.247.0.53") && lines.contains("nameserver 10.247.0.54"),
                "/etc/resolv.conf has the pod's DNS servers: " + resolv.describe());
        assertTrue(lines.contains("search jk.svc.example example"),
                "/etc/resolv.conf has the pod's search domains: " + resolv.describe());
        assertTrue(lines.contains("options ndots:3"), "/etc/resolv.conf has the pod's options: " + resolv.describe());

        CriClient.Exec hosts = fx.cri().execSync(c, 60, "cat", "/etc/hosts");
        assertEquals(0, hosts.exit(), "/etc/hosts exists in the container: " + hosts.describe());
        assertTrue(hosts.out().contains("localhost"), "/etc/hosts names localhost: " + hosts.describe());
        Path hostHosts = fx.containerd().dir().resolve("root/io.containerd.grpc.v1.cri/sandboxes")
                .resolve(pod.id()).resolve("hosts");
        assertTrue(Files.exists(hostHosts), "CRI wrote the pod's hosts file " + hostHosts);
        assertEquals(Files.readString(hostHosts), hosts.out(), "the container's /etc/hosts is CRI's " + hostHosts);
    }
}
