package dev.jkata.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.hypervisor.AcceleratorChoice;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path tmp;

    static Path upstreamConfig(Path dir) throws IOException {
        try (InputStream in = ConfigLoaderTest.class.getResourceAsStream("upstream-configuration-qemu.toml")) {
            Path p = dir.resolve("configuration-qemu.toml");
            Files.write(p, in.readAllBytes());
            return p;
        }
    }

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    @Test
    void realUpstreamConfigurationLoads() throws Exception {
        Path file = upstreamConfig(tmp);
        LoadedConfig loaded = ConfigLoader.loadFile(file);
        assertEquals(file, loaded.file());
        assertEquals(List.of(), loaded.dropIns());
        QemuConfig q = loaded.config().hypervisor();
        assertEquals(Path.of("/opt/kata/bin/qemu-system-x86_64"), q.path());
        assertEquals(Path.of("/opt/kata/share/kata-containers/vmlinux.container"), q.kernel());
        assertEquals(Path.of("/opt/kata/share/kata-containers/kata-containers.img"), q.image());
        assertNull(q.initrd());
        assertEquals("q35", q.machineType());
        assertEquals(1, q.defaultVcpus());
        assertEquals(0, q.defaultMaxVcpus());
        assertEquals(2048, q.defaultMemoryMiB());
        assertEquals(SharedFsType.VIRTIO_FS, q.sharedFs());
        assertEquals(Path.of("/opt/kata/libexec/virtiofsd"), q.virtioFsDaemon());
        assertEquals("auto", q.virtioFsCache());
        assertEquals(List.of("--thread-pool-size=1", "--announce-submounts"), q.virtioFsExtraArgs());
        assertEquals(List.of("enable_iommu", "virtio_fs_extra_args", "kernel_params"), q.enableAnnotations());
        assertEquals(List.of("/opt/kata/bin/qemu-system-x86_64"), q.validHypervisorPaths());
        assertEquals(List.of("/opt/kata/libexec/virtiofsd"), q.validVirtioFsDaemonPaths());
        assertEquals(AcceleratorChoice.AUTO, q.accelerator());
        AgentConfig a = loaded.config().agent();
        assertEquals(Duration.ofSeconds(45), a.dialTimeout());
        assertEquals(List.of(), a.kernelModules());
        RuntimeConfig r = loaded.config().runtime();
        assertEquals("tcfilter", r.internetworkingModel());
        assertFalse(r.staticSandboxResourceMgmt());
        assertTrue(loaded.ignoredKeys().stream().noneMatch(k -> k.contains("static_sandbox_resource_mgmt")));
        assertEquals(Duration.ofSeconds(60), r.createContainerTimeout());
        assertTrue(loaded.ignoredKeys().containsAll(List.of("[hypervisor.qemu] rootfs_type",
                "[hypervisor.qemu] firmware", "[hypervisor.qemu] block_device_driver", "[runtime] dan_conf",
                "[runtime] disable_guest_seccomp")), loaded.ignoredKeys().toString());
        assertTrue(loaded.ignoredKeys().stream().noneMatch(k -> k.contains("default_vcpus")));
    }

    @Test
    void shippedConfigurationLoadsWithProjectDefaults() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(repo.resolve("config"))) {
            repo = repo.getParent();
        }
        Path shipped = repo.resolve("config/configuration-qemu.toml");
        LoadedConfig loaded = ConfigLoader.loadFile(shipped);
        QemuConfig q = loaded.config().hypervisor();
        assertEquals(Path.of("/usr/bin/qemu-system-x86_64"), q.path());
        assertEquals(Path.of("/opt/kata/share/kata-containers/vmlinux.container"), q.kernel());
        assertEquals(Path.of("/opt/kata/share/kata-containers/kata-containers-initrd.img"), q.initrd());
        assertNull(q.image());
        assertEquals("", q.machineType());
        assertEquals(1, q.defaultVcpus());
        assertEquals(512, q.defaultMemoryMiB());
        assertEquals(SharedFsType.VIRTIO_FS, q.sharedFs());
        assertEquals(Path.of("/usr/lib/qemu/virtiofsd"), q.virtioFsDaemon());
        assertEquals("auto", q.virtioFsCache());
        assertEquals(AcceleratorChoice.AUTO, q.accelerator());
        assertTrue(q.enableAnnotations().contains("kernel_params"));
        assertEquals(Duration.ofSeconds(45), loaded.config().agent().dialTimeout());
        assertTrue(loaded.config().runtime().staticSandboxResourceMgmt(), "on: jkata does not hot-plug, so a pod is sized when it starts");
        assertEquals(List.of(), loaded.ignoredKeys(), "our own file uses only keys we read");
    }

    @Test
    void lookupOrderExplicitThenEnvThenSearchPaths() throws Exception {
        Path explicit = write("explicit.toml", "[hypervisor.qemu]\ndefault_vcpus = 3\n");
        Path fromEnv = write("env.toml", "[hypervisor.qemu]\ndefault_vcpus = 2\n");
        Path etc = tmp.resolve("etc/configuration.toml");
        Path share = write("share/configuration.toml", "[hypervisor.qemu]\n");
        List<Path> search = List.of(etc, share);
        Map<String, String> env = Map.of("KATA_CONF_FILE", fromEnv.toString());

        assertEquals(explicit, ConfigLoader.load(Optional.of(explicit), env, search).file());
        assertEquals(3, ConfigLoader.load(Optional.of(explicit), env, search).config().hypervisor().defaultVcpus());
        assertEquals(fromEnv, ConfigLoader.load(Optional.empty(), env, search).file());
        assertEquals(share, ConfigLoader.load(Optional.empty(), Map.of(), search).file());
        write("etc/configuration.toml", "[hypervisor.qemu]\n");
        assertEquals(etc, ConfigLoader.load(Optional.empty(), Map.of(), search).file());
    }

    @Test
    void missingFilesAreNamed() {
        Path nope = tmp.resolve("nope.toml");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.of(nope), Map.of(), List.of()));
        assertEquals("explicit configuration path " + nope + ": file not found", e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of("KATA_CONF_FILE", nope.toString()), List.of()));
        assertEquals("KATA_CONF_FILE " + nope + ": file not found", e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of(), List.of(nope)));
        assertTrue(e.getMessage().startsWith("no configuration file found: looked for [" + nope + "]"), e.getMessage());
    }

    @Test
    void dropInsMergeInNameOrderKeyByKey() throws Exception {
        Path main = write("kc/configuration.toml", """
                [hypervisor.qemu]
                default_vcpus = 1
                default_memory = 512
                kernel_params = "a=1"
                [agent.kata]
                dial_timeout = 45
                """);
        Path later = write("kc/config.d/20-later.toml", "[hypervisor.qemu]\ndefault_vcpus = 4\n");
        Path first = write("kc/config.d/10-first.toml", """
                [hypervisor.qemu]
                default_vcpus = 2
                default_memory = 1024
                [runtime]
                enable_debug = true
                """);
        write("kc/config.d/notes.txt", "not toml");
        LoadedConfig loaded = ConfigLoader.loadFile(main);
        assertEquals(List.of(first, later), loaded.dropIns());
        QemuConfig q = loaded.config().hypervisor();
        assertEquals(4, q.defaultVcpus(), "later drop-in wins");
        assertEquals(1024, q.defaultMemoryMiB(), "earlier drop-in's other keys stay");
        assertEquals("a=1", q.kernelParams(), "main file's other keys stay");
        assertTrue(loaded.config().runtime().enableDebug());
        assertEquals(Duration.ofSeconds(45), loaded.config().agent().dialTimeout());
    }

    @Test
    void errorInADropInNamesTheDropIn() throws Exception {
        Path main = write("kc/configuration.toml", "[hypervisor.qemu]\ndefault_vcpus = 1\n");
        Path bad = write("kc/config.d/50-bad.toml", "[hypervisor.qemu]\ndefault_vcpus = \"two\"\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadFile(main));
        assertEquals(bad + ": [hypervisor.qemu] default_vcpus: expected an integer, got string \"two\"",
                e.getMessage());
    }

    @Test
    void invalidTomlNamesFileAndLine() throws Exception {
        Path f = write("broken.toml", "[hypervisor.qemu]\npath = \"/usr/bin/qemu\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadFile(f));
        assertTrue(e.getMessage().startsWith(f + ": invalid TOML (line 2"), e.getMessage());
    }
}
