package dev.jkata.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployerTest {
    static final String DEBIAN_CONTAINERD = """
            version = 2

            [plugins]
              [plugins."io.containerd.grpc.v1.cri"]
                [plugins."io.containerd.grpc.v1.cri".cni]
                  bin_dir = "/usr/lib/cni"
                  conf_dir = "/etc/cni/net.d"
              [plugins."io.containerd.internal.v1.opt"]
                path = "/var/lib/containerd/opt"
            """;
    static final TomlMapper TOML = new TomlMapper();

    @TempDir
    Path root;

    private DeployPaths paths() {
        return new DeployPaths(root, Path.of("/opt/kata"));
    }

    private String install(String containerdVersion) throws DeployException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        new Deployer(paths(), new PrintStream(buf, true, StandardCharsets.UTF_8))
                .install(EnumSet.allOf(Target.class), Optional.of(ContainerdVersion.parse(containerdVersion)));
        return buf.toString(StandardCharsets.UTF_8);
    }

    private String uninstall() throws DeployException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        new Deployer(paths(), new PrintStream(buf, true, StandardCharsets.UTF_8)).uninstall();
        return buf.toString(StandardCharsets.UTF_8);
    }

    private Path write(String hostPath, String text) throws IOException {
        Path p = paths().host(hostPath);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    /** Every regular file under the root with its bytes, for before/after comparisons. */
    private java.util.Map<String, String> snapshot() throws IOException {
        java.util.Map<String, String> m = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String key = root.relativize(p).toString();
                if (Files.isDirectory(p)) {
                    m.put(key + "/", "dir " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
                } else {
                    m.put(key, PosixFilePermissions.toString(Files.getPosixFilePermissions(p)) + " "
                            + java.util.HexFormat.of().formatHex(Files.readAllBytes(p)));
                }
            }
        }
        return m;
    }

    @Test
    void containerd16DropInCarriesTheCriSectionAndOurRuntimes() throws Exception {
        Path main = write("/etc/containerd/config.toml", DEBIAN_CONTAINERD);
        String out = install("1.6.20~ds1");
        assertTrue(out.contains("containerd: created /etc/containerd/conf.d/kata-deploy.toml"), out);
        assertTrue(out.contains("containerd: updated /etc/containerd/config.toml"), out);

        String newMain = Files.readString(main);
        assertTrue(newMain.startsWith("version = 2\nimports = [\"/etc/containerd/conf.d/kata-deploy.toml\"]\n"), newMain);
        assertEquals(DEBIAN_CONTAINERD, newMain.replace("imports = [\"/etc/containerd/conf.d/kata-deploy.toml\"]\n", ""));

        JsonNode dropIn = TOML.readTree(Files.readString(paths().containerdDropIn()));
        assertEquals(2, dropIn.get("version").asInt());
        JsonNode cri = dropIn.path("plugins").path("io.containerd.grpc.v1.cri");
        assertEquals("/usr/lib/cni", cri.path("cni").path("bin_dir").asText(), "the CRI section is carried over");
        for (String h : new String[] {"kata", "kata-qemu"}) {
            JsonNode r = cri.path("containerd").path("runtimes").path(h);
            assertEquals("io.containerd.kata.v2", r.path("runtime_type").asText());
            assertTrue(r.path("privileged_without_host_devices").asBoolean());
            assertEquals("io.katacontainers.*", r.path("pod_annotations").get(0).asText());
            assertEquals("/opt/kata/share/defaults/kata-containers/configuration-qemu.toml",
                    r.path("options").path("ConfigPath").asText());
        }
        assertEquals("io.containerd.runc.v2", cri.path("containerd").path("runtimes").path("runc").path("runtime_type").asText(),
                "the default runc runtime stays defined");
        assertTrue(dropIn.path("plugins").path("io.containerd.internal.v1.opt").isMissingNode(),
                "other plugins stay in the main config only");
    }

    @Test
    void containerd2UsesVersion3AndOnlyOurRuntimes() throws Exception {
        write("/etc/containerd/config.toml", "version = 3\n\n[plugins.'io.containerd.cri.v1.images']\n  snapshotter = 'overlayfs'\n");
        install("v2.0.2");
        JsonNode dropIn = TOML.readTree(Files.readString(paths().containerdDropIn()));
        assertEquals(3, dropIn.get("version").asInt());
        JsonNode rts = dropIn.path("plugins").path("io.containerd.cri.v1.runtime").path("containerd").path("runtimes");
        assertEquals("io.containerd.kata.v2", rts.path("kata-qemu").path("runtime_type").asText());
        assertEquals(1, dropIn.path("plugins").size(), "only the runtime plugin");
        assertEquals("io.containerd.runc.v2", rts.path("runc").path("runtime_type").asText());
        assertTrue(Files.readString(paths().containerdConfig())
                .startsWith("version = 3\nimports = [\"/etc/containerd/conf.d/kata-deploy.toml\"]\n"));
    }

    @Test
    void secondInstallChangesNothingAndUninstallRestoresByteForByte() throws Exception {
        Path main = write("/etc/containerd/config.toml", DEBIAN_CONTAINERD);
        Files.setPosixFilePermissions(main, PosixFilePermissions.fromString("rw-------"));
        write("/etc/docker/daemon.json", "{\"log-level\":\"warn\",\"runtimes\":{\"other\":{\"path\":\"/x\"}}}");
        write("/etc/containers/containers.conf", "[engine]\ncgroup_manager = \"cgroupfs\"\n");
        var before = snapshot();

        install("1.6");
        var afterFirst = snapshot();
        String second = install("1.6");
        assertFalse(second.contains("created") || second.contains("updated"), second);
        assertEquals(afterFirst, snapshot(), "a second install changes nothing, byte for byte");

        String out = uninstall();
        assertTrue(out.contains("restored /etc/containerd/config.toml"), out);
        assertTrue(out.contains("removed /etc/containerd/conf.d/kata-deploy.toml"), out);
        var after = snapshot();
        after.keySet().removeIf(k -> k.startsWith("opt/")); // the install prefix itself stays
        before.keySet().removeIf(k -> k.startsWith("opt/"));
        assertEquals(before, after, "uninstall restores every file and mode and removes what install created");
        assertFalse(Files.exists(paths().backupDir()));
    }

    @Test
    void installOnAnEmptyHostCreatesFilesAndUninstallRemovesThem() throws Exception {
        var before = snapshot();
        String out = install("1.7.13");
        assertTrue(out.contains("containerd: created /etc/containerd/config.toml"), out);
        assertTrue(out.contains("docker: created /etc/docker/daemon.json"), out);
        assertTrue(out.contains("podman: created /etc/containers/containers.conf"), out);
        assertTrue(out.contains("runtimeclasses: created /opt/kata/share/kata-containers/runtimeclasses/kata-qemu.yaml"), out);
        assertEquals("version = 2\nimports = [\"/etc/containerd/conf.d/kata-deploy.toml\"]\n",
                Files.readString(paths().containerdConfig()));
        uninstall();
        var after = snapshot();
        after.keySet().removeIf(k -> k.startsWith("opt/"));
        assertEquals(before, after);
        assertFalse(Files.exists(root.resolve("etc")), "directories created by install are removed");
    }

    @Test
    void existingImportsAreExtendedAndAGlobThatCoversTheDropInIsKept() throws Exception {
        Path main = write("/etc/containerd/config.toml",
                "version = 2\nimports = [\n  \"/etc/containerd/a.toml\", # first\n  \"/etc/containerd/b.toml\",\n]\nroot = \"/var/lib/containerd\"\n");
        install("1.6");
        String text = Files.readString(main);
        assertEquals("version = 2\nimports = [\"/etc/containerd/a.toml\", \"/etc/containerd/b.toml\", "
                + "\"/etc/containerd/conf.d/kata-deploy.toml\"]\nroot = \"/var/lib/containerd\"\n", text);
        TOML.readTree(text);

        Path root2 = Files.createDirectory(root.resolve("second"));
        DeployPaths p2 = new DeployPaths(root2, Path.of("/opt/kata"));
        String globbed = "version = 2\nimports = [\"/etc/containerd/conf.d/*.toml\"]\n";
        Files.createDirectories(p2.containerdConfig().getParent());
        Files.writeString(p2.containerdConfig(), globbed);
        new Deployer(p2, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .install(EnumSet.of(Target.CONTAINERD), Optional.of(ContainerdVersion.parse("1.6")));
        assertEquals(globbed, Files.readString(p2.containerdConfig()));
        assertTrue(Files.exists(p2.containerdDropIn()));
    }

    @Test
    void unsupportedOrBrokenContainerdConfigsAreRejectedNamingTheFile() throws Exception {
        write("/etc/containerd/config.toml", "[plugins.cri]\n  x = 1\n");
        DeployException e = assertThrows(DeployException.class, () -> install("1.6"));
        assertTrue(e.getMessage().contains("/etc/containerd/config.toml") && e.getMessage().contains("version 1"),
                e.getMessage());
        write("/etc/containerd/config.toml", "version = 2\n[plugins\n");
        e = assertThrows(DeployException.class, () -> install("1.6"));
        assertTrue(e.getMessage().contains("config.toml: not valid TOML"), e.getMessage());
        assertFalse(Files.exists(paths().backupDir().resolve("manifest.tsv")), "nothing touched");
    }

    @Test
    void dockerDaemonJsonIsMergedKeepingOtherKeys() throws Exception {
        write("/etc/docker/daemon.json", "{\"log-level\": \"warn\", \"runtimes\": {\"crun\": {\"path\": \"/usr/bin/crun\"}}}");
        install("1.6");
        JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(paths().dockerDaemonJson().toFile());
        assertEquals("warn", json.path("log-level").asText());
        assertEquals("/usr/bin/crun", json.path("runtimes").path("crun").path("path").asText());
        assertEquals("/opt/kata/bin/kata-runtime", json.path("runtimes").path("kata").path("path").asText());
        assertTrue(Files.readString(paths().dockerDaemonJson()).contains("\"kata\": {"));

        write("/etc/docker/daemon.json", "{not json");
        DeployException e = assertThrows(DeployException.class,
                () -> DockerConfig.plan(paths(), Optional.of("{not json")));
        assertTrue(e.getMessage().contains("daemon.json: not valid JSON"), e.getMessage());
    }

    @Test
    void podmanContainersConfGetsOneLine() throws Exception {
        String conf = "# local settings\n[engine]\nevents_logger = \"file\"\n\n[engine.runtimes]\nrunc = [\"/usr/bin/runc\"]\n\n[network]\nnetwork_backend = \"netavark\"\n";
        FileEdit e = PodmanConfig.plan(paths(), Optional.of(conf)).orElseThrow();
        String text = new String(e.content(), StandardCharsets.UTF_8);
        assertEquals(conf.replace("[engine.runtimes]\n", "[engine.runtimes]\nkata = [\"/opt/kata/bin/kata-runtime\"]\n"), text);
        assertTrue(PodmanConfig.plan(paths(), Optional.of(text)).isEmpty(), "already there: unchanged");

        String other = "[engine.runtimes]\nkata = [\"/usr/bin/kata-runtime\"]\n";
        String replaced = new String(PodmanConfig.plan(paths(), Optional.of(other)).orElseThrow().content(),
                StandardCharsets.UTF_8);
        assertEquals("[engine.runtimes]\nkata = [\"/opt/kata/bin/kata-runtime\"]\n", replaced);

        String noTable = "[engine]\ncgroup_manager = \"cgroupfs\"";
        String appended = new String(PodmanConfig.plan(paths(), Optional.of(noTable)).orElseThrow().content(),
                StandardCharsets.UTF_8);
        assertEquals(noTable + "\n\n[engine.runtimes]\nkata = [\"/opt/kata/bin/kata-runtime\"]\n", appended);
        TOML.readTree(appended);
    }

    @Test
    void aRuncDefinedInTheMainConfigIsKeptAsIs() throws Exception {
        write("/etc/containerd/config.toml", DEBIAN_CONTAINERD + "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
                + "  runtime_type = \"io.containerd.runc.v2\"\n  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
                + "    SystemdCgroup = true\n");
        install("1.6");
        JsonNode runc = TOML.readTree(Files.readString(paths().containerdDropIn())).path("plugins")
                .path("io.containerd.grpc.v1.cri").path("containerd").path("runtimes").path("runc");
        assertTrue(runc.path("options").path("SystemdCgroup").asBoolean(), runc.toString());
    }

    @Test
    void uninstallWithoutInstallSaysSo() throws Exception {
        assertTrue(uninstall().startsWith("nothing to uninstall"));
    }
}
