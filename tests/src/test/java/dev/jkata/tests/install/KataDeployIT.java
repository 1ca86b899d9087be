package dev.jkata.tests.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kata-deploy on a temp root seeded with this host's real configs, checked by the real containerd. */
class KataDeployIT {
    private static final String DEBIAN_CONTAINERD = """
            version = 2

            [plugins]
              [plugins."io.containerd.grpc.v1.cri"]
                [plugins."io.containerd.grpc.v1.cri".cni]
                  bin_dir = "/usr/lib/cni"
                  conf_dir = "/etc/cni/net.d"
              [plugins."io.containerd.internal.v1.opt"]
                path = "/var/lib/containerd/opt"
            """;

    @TempDir
    Path dir;
    Path root;
    Path kataDeploy;

    @BeforeEach
    void setUp() throws Exception {
        kataDeploy = Tools.launcher(dir, "kata-deploy", "dev.jkata.deploy/dev.jkata.deploy.Main");
        root = dir.resolve("root");
        Path etcContainerd = Files.createDirectories(root.resolve("etc/containerd"));
        Path hostConfig = Path.of("/etc/containerd/config.toml");
        if (Files.isRegularFile(hostConfig) && !Files.readString(hostConfig).contains("kata-deploy")) {
            Files.copy(hostConfig, etcContainerd.resolve("config.toml"));
        } else {
            Files.writeString(etcContainerd.resolve("config.toml"), DEBIAN_CONTAINERD);
        }
        Files.setPosixFilePermissions(etcContainerd.resolve("config.toml"), PosixFilePermissions.fromString("rw-r-----"));
        Files.createDirectories(root.resolve("etc/docker"));
        Files.writeString(root.resolve("etc/docker/daemon.json"), "{\n\t\"log-level\": \"warn\"\n}");
    }

    private Tools.Result deploy(String... args) throws Exception {
        String[] cmd = new String[args.length + 3];
        cmd[0] = kataDeploy.toString();
        cmd[1] = "--root";
        cmd[2] = root.toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        return Tools.run(Map.of(), cmd);
    }

    private Map<String, String> snapshot() throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                m.put(root.relativize(p) + (Files.isDirectory(p) ? "/" : ""),
                        Files.isDirectory(p) ? mode : mode + " " + HexFormat.of().formatHex(Files.readAllBytes(p)));
            }
        }
        m.keySet().removeIf(k -> k.startsWith("opt"));
        return m;
    }

    @Test
    void installTwiceChangesNothingTheSecondTimeAndUninstallRestoresByteForByte() throws Exception {
        Map<String, String> before = snapshot();
        Tools.Result first = deploy("install");
        assertEquals(0, first.code(), first.toString());
        assertTrue(first.out().contains("containerd: updated /etc/containerd/config.toml"), first.toString());
        assertTrue(first.out().contains("docker: updated /etc/docker/daemon.json"), first.toString());
        assertTrue(first.out().contains("podman: created /etc/containers/containers.conf"), first.toString());
        Path containerdConfig = root.resolve("etc/containerd/config.toml");
        byte[] afterFirst = Files.readAllBytes(containerdConfig);
        Map<String, String> afterFirstTree = snapshot();

        Tools.Result second = deploy("install");
        assertEquals(0, second.code(), second.toString());
        assertFalse(second.out().contains("created") || second.out().contains("updated"), second.toString());
        assertTrue(second.out().contains("containerd: unchanged /etc/containerd/config.toml"), second.toString());
        assertEquals(new String(afterFirst), Files.readString(containerdConfig));
        assertEquals(afterFirstTree, snapshot(), "the second install changes no file");

        Tools.Result un = deploy("uninstall");
        assertEquals(0, un.code(), un.toString());
        assertEquals(before, snapshot(), "uninstall restores every file byte for byte, with its mode");
        assertFalse(Files.exists(root.resolve("opt/kata/share/kata-deploy")), "the backup is gone");
    }

    @Test
    void realContainerdReadsTheDropIn() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/containerd"))) {
            if (Tools.ci()) {
                throw new AssertionError("/usr/bin/containerd missing: install.sh installs it");
            }
            Assumptions.abort("containerd is not installed");
        }
        String version = Tools.run(Map.of(), "containerd", "--version").out();
        Tools.Result r = deploy("--targets", "containerd", "install");
        assertEquals(0, r.code(), r.toString());
        // The main config imports the drop-in by its host path; point a copy at the one under our root.
        String main = Files.readString(root.resolve("etc/containerd/config.toml"))
                .replace("\"/etc/containerd/conf.d/kata-deploy.toml\"",
                        "\"" + root.resolve("etc/containerd/conf.d/kata-deploy.toml") + "\"");
        Path test = Files.writeString(dir.resolve("containerd-test.toml"), main);
        Tools.Result dump = Tools.run(Map.of(), "containerd", "--config", test.toString(), "config", "dump");
        assertEquals(0, dump.code(), dump.toString());
        String plugin = version.matches("(?s).*\\sv?1\\..*") ? "\"io.containerd.grpc.v1.cri\"" : "\"io.containerd.cri.v1.runtime\"";
        for (String handler : new String[] {"kata", "kata-qemu", "runc"}) {
            assertTrue(dump.out().contains("[plugins." + plugin + ".containerd.runtimes." + handler + "]"),
                    handler + " in\n" + dump.out());
        }
        assertTrue(dump.out().contains("runtime_type = \"io.containerd.kata.v2\""), dump.out());
        assertTrue(dump.out().contains("ConfigPath = \"/opt/kata/share/defaults/kata-containers/configuration-qemu.toml\""),
                dump.out());
        assertTrue(dump.out().contains("pod_annotations = [\"io.katacontainers.*\"]"), dump.out());
        if (Files.readString(root.resolve("etc/containerd/config.toml")).contains("/usr/lib/cni")) {
            assertTrue(dump.out().contains("bin_dir = \"/usr/lib/cni\""), "the CRI section survives the import");
        }
    }
}
