package dev.jkata.tests.cri;

import dev.jkata.deploy.ContainerdVersion;
import dev.jkata.deploy.DeployPaths;
import dev.jkata.deploy.Deployer;
import dev.jkata.deploy.Target;
import dev.jkata.tests.containerd.Containerd;
import dev.jkata.tests.containerd.KataSetup;
import dev.jkata.tests.containerd.Leaks;
import dev.jkata.tests.containerd.ShimInstall;
import dev.jkata.tests.cri.api.Cri;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real containerd (Debian's 1.6) of our own with its CRI plugin enabled: config, root, state, sockets,
 * CNI config and host-local IPAM data under a temp dir. The {@code kata} / {@code kata-qemu} runtime
 * handlers come from kata-deploy itself: {@link Deployer#install} runs on a temp root whose
 * {@code etc/containerd/config.toml} holds our CRI section, and our config imports the drop-in it writes
 * (containerd 1.6 replaces the whole CRI section with the drop-in's copy, exactly as on a real host). The
 * install prefix given to kata-deploy is {@code <dir>/kata}, so the handlers' {@code ConfigPath} is the
 * test's Kata configuration. CNI: a bridge of our own ({@link #network()}: a name and a 10.247.N.0/24 subnet
 * picked per instance, so that CRI tests run at the same time from two checkouts do not share it), plugins from
 * {@code /usr/lib/cni}. {@link #close()} removes every pod, stops containerd and deletes its dirs and
 * the bridge.
 */
public final class CriContainerd implements AutoCloseable {
    public static final String NAMESPACE = "k8s.io";
    public static final String HANDLER = "kata-qemu";

    /** Our CNI bridge network: device, subnet, gateway (the bridge's address), the subnet's first octets. */
    public record Network(String bridge, String subnet, String gateway, String prefix) {
        /** A bridge "jkcriN" with subnet 10.247.N.0/24 for a random N whose bridge does not exist yet. */
        static Network pick() throws IOException, InterruptedException {
            java.util.Random random = new java.util.Random();
            for (int attempt = 0; attempt < 50; attempt++) {
                int n = 1 + random.nextInt(250);
                String bridge = "jkcri" + n;
                if (!Files.exists(Path.of("/sys/class/net", bridge)) && Containerd.run(
                        List.of("ip", "-4", "route", "show", "10.247." + n + ".0/24"), Duration.ofSeconds(10), null)
                        .out().isBlank()) {
                    return new Network(bridge, "10.247." + n + ".0/24", "10.247." + n + ".1", "10.247." + n + ".");
                }
            }
            throw new IOException("no free jkcriN bridge / 10.247.N.0/24 subnet after 50 tries");
        }
    }
    public static final String NETWORK = "jkata-cri";
    static final Path CNI_BIN = Path.of("/usr/lib/cni");

    private final Path dir;
    private final Path socket;
    private final Network network;
    private final Process process;
    private final CriClient cri;

    private CriContainerd(Path dir, Path socket, Network network, Process process) {
        this.dir = dir;
        this.socket = socket;
        this.network = network;
        this.process = process;
        this.cri = new CriClient(socket);
    }

    /**
     * Starts containerd with the kata handlers; {@code kataOverrides} replace keys of [hypervisor.qemu]
     * in the test's Kata configuration (raw TOML values, see {@link KataSetup#writeConfig}).
     */
    public static CriContainerd start(KataSetup.Assets assets, Map<String, String> kataOverrides)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "jkata-cri-");
        Path socket = dir.resolve("c.sock");
        Path bin = dir.resolve("bin");
        ShimInstall.write(bin);
        DeployPaths deploy = new DeployPaths(dir.resolve("host"), dir.resolve("kata"));
        Path kataConfig = KataSetup.writeConfig(Path.of(deploy.qemuConfigPath()), assets, kataOverrides);
        Path dropIn = deployHandlers(deploy, criSection(dir));
        Network network = Network.pick();
        writeCniConfig(dir, network);
        Path config = dir.resolve("config.toml");
        Files.writeString(config, Containerd.config(dir, socket, "imports = [\"" + dropIn + "\"]\n", criSection(dir)));
        Process process = Containerd.launch(dir, config, bin, Map.of("KATA_CONF_FILE", kataConfig.toString()));
        CriContainerd c = new CriContainerd(dir, socket, network, process);
        try {
            c.awaitCri();
            return c;
        } catch (IOException | RuntimeException | InterruptedException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Our CRI plugin section: offline pause image, CNI from our dir, streaming on loopback, overlayfs.
     * {@code restrict_oom_score_adj}: root here lacks CAP_SYS_RESOURCE, so runc could not give the pause
     * container CRI's oom_score_adj of -998 (runc's init dies: "can't get final child's PID from pipe").
     */
    static String criSection(Path dir) {
        return """
                [plugins."io.containerd.grpc.v1.cri"]
                  sandbox_image = "%2$s"
                  stream_server_address = "127.0.0.1"
                  stream_server_port = "0"
                  disable_apparmor = true
                  restrict_oom_score_adj = true
                  [plugins."io.containerd.grpc.v1.cri".containerd]
                    snapshotter = "overlayfs"
                    default_runtime_name = "runc"
                  [plugins."io.containerd.grpc.v1.cri".cni]
                    bin_dir = "%3$s"
                    conf_dir = "%1$s/cni/net.d"
                    max_conf_num = 1
                """.formatted(dir, CriImages.PAUSE, CNI_BIN);
    }

    /** Runs kata-deploy's containerd target on a temp root and returns the drop-in it wrote. */
    static Path deployHandlers(DeployPaths deploy, String criSection) throws IOException {
        Path main = deploy.containerdConfig();
        Files.createDirectories(main.getParent());
        Files.writeString(main, "version = 2\n\n" + criSection);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            new Deployer(deploy, ps).install(Set.of(Target.CONTAINERD), Optional.of(new ContainerdVersion(1, 6)));
        } catch (dev.jkata.deploy.DeployException e) {
            throw new IOException("kata-deploy install on " + deploy.root() + " failed: " + e.getMessage(), e);
        }
        Path dropIn = deploy.containerdDropIn();
        String text = Files.exists(dropIn) ? Files.readString(dropIn) : "";
        String unrooted = deploy.unrooted(dropIn).toString();
        if (!text.contains("runtimes.kata-qemu") || !Files.readString(main).contains(unrooted)) {
            throw new IOException("kata-deploy did not register kata-qemu in " + dropIn + " imported from " + main
                    + ":\n" + text + "\nkata-deploy said: " + out.toString(StandardCharsets.UTF_8));
        }
        return dropIn;
    }

    static void writeCniConfig(Path dir, Network network) throws IOException {
        Path confDir = Files.createDirectories(dir.resolve("cni/net.d"));
        Files.createDirectories(dir.resolve("cni/ipam"));
        Files.writeString(confDir.resolve("10-jkata-cri.conflist"), """
                {
                  "cniVersion": "0.4.0",
                  "name": "%s",
                  "plugins": [
                    {
                      "type": "bridge",
                      "bridge": "%s",
                      "isGateway": true,
                      "ipMasq": false,
                      "ipam": {
                        "type": "host-local",
                        "ranges": [[{"subnet": "%s", "gateway": "%s"}]],
                        "routes": [{"dst": "0.0.0.0/0"}],
                        "dataDir": "%s"
                      }
                    }
                  ]
                }
                """.formatted(NETWORK, network.bridge(), network.subnet(), network.gateway(), dir.resolve("cni/ipam")));
    }

    private void awaitCri() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        CriException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("containerd exited with " + process.exitValue() + ": " + log());
            }
            if (Files.exists(socket)) {
                try {
                    cri.version();
                    return;
                } catch (CriException e) {
                    last = e;
                }
            }
            Thread.sleep(200);
        }
        throw new IOException("containerd's CRI did not answer on " + socket + " within 60 s (" + last + "): " + log());
    }

    public Path dir() {
        return dir;
    }

    public Path socket() {
        return socket;
    }

    public Network network() {
        return network;
    }

    public CriClient cri() {
        return cri;
    }

    /** host-local's record of {@code ip} (exists while the IP is allocated to a pod). */
    public Path ipamFile(String ip) {
        return dir.resolve("cni/ipam").resolve(NETWORK).resolve(ip);
    }

    /** The last 30 000 characters of containerd's log (includes the shims' log lines). */
    public String log() {
        try {
            String s = Files.readString(dir.resolve("containerd.log"), StandardCharsets.UTF_8);
            return s.length() > 30000 ? s.substring(s.length() - 30000) : s;
        } catch (IOException e) {
            return "(no containerd log)";
        }
    }

    /** Runs {@code ctr -a SOCK -n k8s.io args…}. */
    public Containerd.Result ctr(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ctr", "-a", socket.toString(), "-n", NAMESPACE));
        cmd.addAll(List.of(args));
        return Containerd.run(cmd, timeout, null);
    }

    /** Stops and removes every pod CRI knows (best effort, containers first), killing what is left of each. */
    public void removeAllPods() {
        List<Cri.PodSandbox> pods;
        try {
            pods = cri.listPodSandboxes();
        } catch (CriException e) {
            return;
        }
        for (Cri.PodSandbox p : pods) {
            try {
                cri.stopPodSandbox(p.getId(), Duration.ofMinutes(3));
            } catch (CriException ignored) {
                // removal below reports the same trouble; the leak checks of the test say what is left
            }
            try {
                cri.removePodSandbox(p.getId(), Duration.ofMinutes(3));
            } catch (CriException ignored) {
                // see above
            }
            Leaks.killProcessesOf(p.getId());
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (process.isAlive()) {
                removeAllPods();
            }
            cri.close();
        } catch (RuntimeException | LinkageError e) {
            // a failing CRI client must not leave containerd running: stop it below regardless
            System.getLogger(CriContainerd.class.getName()).log(System.Logger.Level.WARNING,
                    "removing the pods of " + dir + " failed", e);
        }
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        for (String m : Leaks.mountsUnder(dir)) {
            Containerd.run(List.of("umount", "-l", m), Duration.ofSeconds(10), null);
        }
        Containerd.run(List.of("ip", "link", "del", network.bridge()), Duration.ofSeconds(10), null);
        keepLog();
        Containerd.run(List.of("rm", "-rf", dir.toString()), Duration.ofSeconds(60), null);
    }

    /** Copies containerd's log (with the shims' lines) to tests/target/cri-logs/ for post-mortems. */
    private void keepLog() {
        try {
            Path logs = Files.createDirectories(CriImages.repo().resolve("tests/target/cri-logs"));
            Files.copy(dir.resolve("containerd.log"), logs.resolve(dir.getFileName() + ".log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ignored) {
            // only a debugging aid
        }
    }
}
