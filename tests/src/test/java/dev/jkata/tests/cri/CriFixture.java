package dev.jkata.tests.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jkata.tests.containerd.Containerd;
import dev.jkata.tests.containerd.KataSetup;
import dev.jkata.tests.containerd.Leaks;
import dev.jkata.tests.cri.api.Cri;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * One CRI test's world: a {@link CriContainerd} with both images imported, the pods the test ran, and the
 * checks that removing a pod left nothing behind. Timeouts are generous: under TCG on a loaded two-core
 * machine a pod takes 30-60 s to start.
 */
public final class CriFixture implements AutoCloseable {
    static final Duration POD_TIMEOUT = Duration.ofMinutes(5);
    static final Duration CALL_TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern NETNS = Pattern.compile("/var/run/netns/[A-Za-z0-9._-]+");

    /** A running pod: its id, the config it was made with, its IP and network namespace path. */
    public record Pod(String id, String uid, Cri.PodSandboxConfig config, String ip, Path netns, Path dir) {}

    private final CriContainerd containerd;
    private final List<Pod> pods = new ArrayList<>();

    private CriFixture(CriContainerd containerd) {
        this.containerd = containerd;
    }

    /** Skips (or in CI fails) when a real part is missing; then starts containerd and imports the images. */
    public static CriFixture start(Map<String, String> kataOverrides) throws IOException, InterruptedException {
        require();
        KataSetup.Assets assets = KataSetup.assets();
        CriContainerd c = CriContainerd.start(assets, kataOverrides);
        try {
            CriImages.importAll(c);
            return new CriFixture(c);
        } catch (IOException | RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    static void require() {
        if (!"root".equals(System.getProperty("user.name"))) {
            missing("root (CRI, CNI and mounts need it)");
        }
        for (String tool : List.of("/usr/bin/containerd", "/usr/bin/ctr", "/usr/bin/qemu-system-x86_64",
                "/usr/lib/qemu/virtiofsd", "/usr/bin/umoci", "/bin/busybox")) {
            if (!Files.isExecutable(Path.of(tool))) {
                missing(tool);
            }
        }
        for (String plugin : List.of("bridge", "host-local", "loopback")) {
            if (!Files.isExecutable(CriContainerd.CNI_BIN.resolve(plugin))) {
                missing(CriContainerd.CNI_BIN.resolve(plugin) + " (Debian package containernetworking-plugins)");
            }
        }
    }

    private static void missing(String what) {
        String msg = "CRI integration tests need " + what;
        if ("true".equals(System.getenv("CI"))) {
            fail(msg);
        }
        Assumptions.abort(msg);
    }

    public CriClient cri() {
        return containerd.cri();
    }

    public CriContainerd containerd() {
        return containerd;
    }

    /** Runs a pod with handler kata-qemu; {@code customize} may change the default config. */
    public Pod runPod(String name, UnaryOperator<Cri.PodSandboxConfig.Builder> customize) throws IOException {
        return runPod(name, CriContainerd.HANDLER, customize);
    }

    /** Runs a pod with runtime handler {@code handler} ("kata-qemu", "kata", or kata-deploy's kept "runc"). */
    public Pod runPod(String name, String handler, UnaryOperator<Cri.PodSandboxConfig.Builder> customize)
            throws IOException {
        String uid = UUID.randomUUID().toString();
        Path podDir = Files.createDirectories(containerd.dir().resolve("pods").resolve(uid));
        Path logs = Files.createDirectories(podDir.resolve("logs"));
        Cri.PodSandboxConfig config = customize.apply(PodSpecs.pod(name, uid, logs.toString())).build();
        String id;
        try {
            id = cri().runPodSandbox(config, handler, POD_TIMEOUT);
        } catch (CriException e) {
            throw new AssertionError(e.getMessage() + "\ncontainerd log:\n" + containerd.log(), e);
        }
        Cri.PodSandboxStatusResponse status = cri().podSandboxStatus(id, true);
        String ip = status.getStatus().getNetwork().getIp();
        Matcher m = NETNS.matcher(String.join("\n", status.getInfoMap().values()));
        Path netns = m.find() ? Path.of(m.group()) : null;
        Pod pod = new Pod(id, uid, config, ip, netns, podDir);
        pods.add(pod);
        return pod;
    }

    /** Creates and starts a container in {@code pod}, returning its id once CRI says it runs. */
    public String start(Pod pod, Cri.ContainerConfig config) {
        try {
            String id = cri().createContainer(pod.id(), config, pod.config(), CALL_TIMEOUT);
            cri().startContainer(id, CALL_TIMEOUT);
            return id;
        } catch (CriException e) {
            throw new AssertionError(e.getMessage() + "\ncontainerd log:\n" + containerd.log(), e);
        }
    }

    /** Waits until the container has exited and returns its status. */
    public Cri.ContainerStatus awaitExit(String containerId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Cri.ContainerStatus s = cri().containerStatus(containerId);
        while (s.getState() != Cri.ContainerState.CONTAINER_EXITED && System.nanoTime() < deadline) {
            Thread.sleep(500);
            s = cri().containerStatus(containerId);
        }
        return s;
    }

    /** The container's log file (CRI's format: time stream tag text, one line each). */
    public String containerLog(Pod pod, String name) {
        try {
            return Files.readString(pod.dir().resolve("logs").resolve(name + ".log"));
        } catch (IOException e) {
            return "(no log for " + name + ")";
        }
    }

    /**
     * Stops and removes {@code pod} as the kubelet does and returns everything left of it: QEMU,
     * virtiofsd and shim processes, Kata's state dir and mounts, the network namespace, tap devices,
     * veths on our bridge, and host-local's record of the pod IP (gone only when CNI DEL ran).
     */
    public List<String> removeAndCollectLeaks(Pod pod) throws IOException, InterruptedException {
        cri().stopPodSandbox(pod.id(), CALL_TIMEOUT);
        List<String> left = new ArrayList<>();
        if (!pod.ip().isEmpty() && Files.exists(containerd.ipamFile(pod.ip()))) {
            left.add("host-local still holds " + pod.ip() + " after StopPodSandbox (no CNI DEL): "
                    + containerd.ipamFile(pod.ip()));
        }
        cri().removePodSandbox(pod.id(), CALL_TIMEOUT);
        pods.remove(pod);
        left.addAll(Leaks.awaitGone(pod.id(), 60_000));
        if (pod.netns() != null && Files.exists(pod.netns())) {
            left.add("network namespace " + pod.netns());
        }
        String links = Containerd.run(List.of("ip", "-o", "link", "show"), Duration.ofSeconds(10), null).out();
        links.lines().filter(l -> l.matches("^\\d+: tap\\d+_kata.*")).forEach(l -> left.add("host tap " + l));
        String bridge = containerd.network().bridge();
        String veths = Containerd.run(List.of("ip", "-o", "link", "show", "master", bridge),
                Duration.ofSeconds(10), null).out();
        veths.lines().filter(l -> !l.isBlank()).forEach(l -> left.add("port of " + bridge + ": " + l));
        return left;
    }

    /** The qemu-system processes of sandbox {@code id}. */
    public static List<String> qemuOf(String id) {
        return Leaks.processesMentioning(id).stream().filter(p -> p.contains("qemu-system")).toList();
    }

    public static void assertNoLeaks(List<String> left, Pod pod) {
        assertEquals(List.of(), left, "left behind by pod " + pod.id());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        containerd.close();
        for (Pod p : pods) {
            Leaks.killProcessesOf(p.id());
        }
    }
}
