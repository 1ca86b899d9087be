package dev.jkata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    static final String CONFIG = """
            [hypervisor.qemu]
            path = "/usr/bin/qemu-system-x86_64"
            kernel = "/opt/kata/share/kata-containers/vmlinux.container"
            initrd = "/opt/kata/share/kata-containers/kata-containers-initrd.img"
            shared_fs = "virtio-fs"
            virtio_fs_daemon = "/usr/lib/qemu/virtiofsd"
            default_memory = 512
            [agent.kata]
            dial_timeout = 45
            [runtime]
            """;

    @TempDir
    Path dir;
    Path defaultConfig;
    FakeHost host;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws IOException {
        defaultConfig = dir.resolve("defaults/configuration.toml");
        Files.createDirectories(defaultConfig.getParent());
        Files.writeString(defaultConfig, CONFIG);
        host = FakeHost.tcgHost();
    }

    int run(String... args) {
        out.reset();
        err.reset();
        Cli cli = new Cli(host, new LoaderConfigSource(List.of(dir.resolve("etc/configuration.toml"), defaultConfig)));
        return cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void versionInThreeSpellings() {
        for (String v : new String[] {"--version", "-v", "version"}) {
            assertEquals(0, run(v));
            assertTrue(out().startsWith("kata-runtime  : "), out());
            assertTrue(out().contains("OCI specs: " + VersionInfo.OCI_SPEC), out());
        }
    }

    @Test
    void unknownCommandsAndFlagsAreUsageErrorsOnStderr() {
        assertEquals(2, run("frobnicate"));
        assertTrue(err().contains("unknown command \"frobnicate\"") && err().contains("usage: kata-runtime"), err());
        assertEquals("", out());
        assertEquals(2, run("--bogus", "check"));
        assertTrue(err().contains("unknown global option \"--bogus\""), err());
        assertEquals(2, run("check", "--bogus"));
        assertTrue(err().contains("check: unknown argument \"--bogus\""), err());
        assertEquals(2, run("env", "--yaml"));
        assertEquals(2, run());
        assertTrue(err().contains("missing command"));
        assertEquals(2, run("--config"));
        assertTrue(err().contains("--config needs a value"), err());
        assertEquals(2, run("--log-format", "xml", "env"));
    }

    @Test
    void showDefaultConfigPathsListsTheSearchOrder() {
        assertEquals(0, run("--show-default-config-paths"));
        assertEquals(dir.resolve("etc/configuration.toml") + "\n" + defaultConfig + "\n", out());
    }

    @Test
    void checkOnATcgHostPassesWithWarnings() {
        assertEquals(0, run("check"));
        String o = out();
        assertTrue(o.contains("PASS  configuration: " + defaultConfig), o);
        assertTrue(o.contains("PASS  hypervisor: QEMU emulator version 7.2.22 (Debian) (/usr/bin/qemu-system-x86_64)"), o);
        assertTrue(o.contains("WARN  accelerator: KVM is not usable (/dev/kvm opens but /proc/cpuinfo has neither vmx nor svm"), o);
        assertTrue(o.contains("TCG software emulation"), o);
        assertTrue(o.contains("WARN  agent channel: /dev/vhost-vsock is not usable") && o.contains("virtio-serial"), o);
        assertTrue(o.contains("PASS  guest kernel: /opt/kata/share/kata-containers/vmlinux.container"), o);
        assertTrue(o.contains("PASS  shared filesystem: virtio-fs with /usr/lib/qemu/virtiofsd"), o);
        assertTrue(o.contains("WARN  containerd: /etc/containerd/config.toml does not exist"), o);
        assertTrue(o.contains("System is capable"), o);
        assertFalse(o.contains("FAIL"), o);
        assertEquals(1, run("check", "--strict"), "warnings fail with --strict");
        assertTrue(out().contains("(--strict)"), out());
    }

    @Test
    void checkPassesKvmWhenTheCpuHasVmx() {
        host.files.put(Path.of("/proc/cpuinfo"), "flags\t: fpu vmx sse2\n");
        host.files.put(Path.of("/dev/vhost-vsock"), "");
        host.readWriteDevices.add(Path.of("/dev/vhost-vsock"));
        host.files.put(Path.of("/etc/containerd/config.toml"), "version = 2\nimports = [\"/etc/containerd/conf.d/*.toml\"]\n");
        host.files.put(Path.of("/etc/containerd/conf.d/kata-deploy.toml"),
                "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.kata]\nruntime_type = \"io.containerd.kata.v2\"\n");
        assertEquals(0, run("check", "--strict"));
        assertTrue(out().contains("PASS  accelerator: KVM is usable"), out());
        assertTrue(out().contains("PASS  agent channel: vsock"), out());
        assertTrue(out().contains("PASS  containerd: /etc/containerd/conf.d/kata-deploy.toml registers runtime io.containerd.kata.v2"), out());
    }

    @Test
    void missingKernelFailsNamingTheFile() throws IOException {
        Path conf = dir.resolve("x.toml");
        Files.writeString(conf, CONFIG.replace("/opt/kata/share/kata-containers/vmlinux.container", "/nowhere/vmlinux"));
        host.env.put("KATA_CONF_FILE", conf.toString());
        assertEquals(1, run("check"));
        assertTrue(out().contains("PASS  configuration: " + conf), out());
        assertTrue(out().contains("FAIL  guest kernel: /nowhere/vmlinux does not exist"), out());
        assertTrue(out().contains("fix: build the guest assets"), out());
        assertTrue(out().contains("System is not capable"), out());
    }

    @Test
    void missingHypervisorAndVirtiofsdFail() {
        host.executables.clear();
        assertEquals(1, run("kata-check"));
        assertTrue(out().contains("FAIL  hypervisor: /usr/bin/qemu-system-x86_64 is not executable"), out());
        assertTrue(out().contains("FAIL  shared filesystem: shared_fs = \"virtio-fs\" but /usr/lib/qemu/virtiofsd is not executable"), out());
    }

    @Test
    void brokenConfigFailsWithTheLoaderMessage() throws IOException {
        Path conf = dir.resolve("bad.toml");
        Files.writeString(conf, CONFIG.replace("default_memory = 512", "default_memory = \"lots\""));
        assertEquals(1, run("--config", conf.toString(), "check"));
        assertTrue(out().contains("FAIL  configuration: ") && out().contains("default_memory"), out());
        assertEquals(1, run("--config=" + conf, "env"));
        assertTrue(err().startsWith("kata-runtime: ") && err().contains("default_memory"), err());
    }

    @Test
    void envNamesTheConfigFileInTomlAndJson() throws IOException {
        assertEquals(0, run("env"));
        assertTrue(out().contains("[Runtime.Config]\n  Path = \"" + defaultConfig + "\""), out());
        assertTrue(out().contains("[Hypervisor]\n  MachineType = \"\"\n  Version = \"QEMU emulator version 7.2.22 (Debian)\""), out());
        Path conf = dir.resolve("env.toml");
        Files.writeString(conf, CONFIG);
        host.env.put("KATA_CONF_FILE", conf.toString());
        assertEquals(0, run("kata-env", "--json"));
        String json = out();
        assertTrue(json.contains("\"Config\": {\n      \"Path\": \"" + conf + "\""), json);
        assertTrue(json.contains("\"Kernel\": {\n    \"Path\": \"/opt/kata/share/kata-containers/vmlinux.container\",\n    \"Size\": 10,"), json);
        assertTrue(json.contains("\"Distro\": {\n      \"Name\": \"Debian GNU/Linux\",\n      \"Version\": \"12\"\n    }"), json);
        assertTrue(json.contains("\"SupportVSocks\": false"), json);
        assertTrue(json.contains("\"DialTimeout\": 45"), json);
        assertEquals(0, run("--config", defaultConfig.toString(), "env", "--json"));
        assertTrue(out().contains("\"Path\": \"" + defaultConfig + "\""), "--config wins over KATA_CONF_FILE");
    }

    @Test
    void usageNamesRegisteredVerbsButNotInternalOnes() {
        Cli cli = new Cli(host, new LoaderConfigSource(List.of(defaultConfig)));
        cli.register("create", (inv, args) -> 0).register("start", (inv, args) -> 0).register("oci-daemon", (inv, args) -> 0);
        assertEquals(0, cli.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(out().contains("  create, start\n                        OCI runtime verbs"), out());
        assertFalse(out().contains("oci-daemon"), out());
        assertEquals(1, out().split("create", -1).length - 1, "each verb is named once: " + out());
    }

    @Test
    void registeredVerbsAreDispatchedWithGlobals() {
        Cli cli = new Cli(host, new LoaderConfigSource(List.of(defaultConfig)));
        String[] seen = new String[1];
        cli.register("state", (inv, args) -> {
            seen[0] = inv.globals().root().orElseThrow() + " " + inv.globals().logFormat() + " " + args;
            return 0;
        });
        int rc = cli.run(new String[] {"--root", "/run/x", "--log-format=json", "--log", "/l", "state", "c1"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc);
        assertEquals("/run/x json [c1]", seen[0]);
    }
}
