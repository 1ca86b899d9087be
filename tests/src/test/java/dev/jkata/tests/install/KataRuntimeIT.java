package dev.jkata.tests.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kata-runtime check and env on this real host (QEMU, /dev/kvm, /dev/vhost-vsock as they are). */
class KataRuntimeIT {
    @TempDir
    Path dir;
    Path kataRuntime;
    Path config;

    @BeforeEach
    void setUp() throws Exception {
        kataRuntime = Tools.launcher(dir, "kata-runtime", "dev.jkata.cli/dev.jkata.cli.Main");
        config = dir.resolve("configuration-qemu.toml");
        Files.writeString(config, Tools.shippedConfigWithAssets());
    }

    private static boolean hostHasUsableKvm() throws Exception {
        String cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
        return Files.isReadable(Path.of("/dev/kvm")) && Files.isWritable(Path.of("/dev/kvm"))
                && (cpuinfo.contains(" vmx") || cpuinfo.contains(" svm"));
    }

    @Test
    void checkPassesOnThisHostWithTheFallbacksAsWarnings() throws Exception {
        Tools.Result r = Tools.run(Map.of("KATA_CONF_FILE", config.toString()), kataRuntime.toString(), "check");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("PASS  configuration: " + config), r.toString());
        assertTrue(r.out().contains("PASS  hypervisor: QEMU emulator version"), r.toString());
        assertTrue(r.out().contains("PASS  guest kernel: "), r.toString());
        if (!hostHasUsableKvm()) {
            assertTrue(r.out().contains("WARN  accelerator: KVM is not usable") && r.out().contains("TCG"), r.toString());
        }
        if (!Files.exists(Path.of("/dev/vhost-vsock"))) {
            assertTrue(r.out().contains("WARN  agent channel:") && r.out().contains("virtio-serial"), r.toString());
        }
        assertTrue(r.out().contains("System is capable"), r.toString());
        assertTrue(r.err().isEmpty(), r.toString());
    }

    @Test
    void checkFailsNamingAMissingKernel() throws Exception {
        Path missing = dir.resolve("no-such-vmlinux");
        Files.writeString(config, Files.readString(config).replace(Tools.guestAsset("vmlinux.container").toString(),
                missing.toString()));
        Tools.Result r = Tools.run(Map.of("KATA_CONF_FILE", config.toString()), kataRuntime.toString(), "check");
        assertNotEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("FAIL  guest kernel: " + missing + " does not exist"), r.toString());
        assertTrue(r.out().contains("System is not capable"), r.toString());
    }

    @Test
    void envJsonParsesAndNamesTheConfigFile() throws Exception {
        Tools.Result r = Tools.run(Map.of(), kataRuntime.toString(), "--config", config.toString(), "env", "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode env = new ObjectMapper().readTree(r.out());
        assertEquals(config.toString(), env.path("Runtime").path("Config").path("Path").asText());
        assertEquals(Tools.guestAsset("vmlinux.container").toString(), env.path("Kernel").path("Path").asText());
        assertEquals(Files.size(Tools.guestAsset("vmlinux.container")), env.path("Kernel").path("Size").asLong());
        assertTrue(env.path("Hypervisor").path("Version").asText().startsWith("QEMU emulator version"), r.out());
        for (String section : new String[] {"Kernel", "Meta", "Image", "Initrd", "Hypervisor", "Runtime", "Host", "Agent"}) {
            assertTrue(env.has(section), "section " + section + " in " + r.out());
        }
        assertEquals(Files.exists(Path.of("/dev/vhost-vsock")), env.path("Host").path("SupportVSocks").asBoolean());
    }

    @Test
    void kataConfFileIsHonoured() throws Exception {
        Path x = Files.createTempFile(Path.of("/tmp"), "x", ".toml");
        try {
            Files.writeString(x, Files.readString(config));
            Tools.Result r = Tools.run(Map.of("KATA_CONF_FILE", x.toString()), kataRuntime.toString(), "env");
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("[Runtime.Config]\n  Path = \"" + x + "\""), r.toString());
        } finally {
            Files.deleteIfExists(x);
        }
    }

    @Test
    void aBrokenConfigIsReportedWithItsKey() throws Exception {
        Files.writeString(config, Files.readString(config).replaceFirst("(?m)^default_vcpus = .*$", "default_vcpus = \"two\""));
        Tools.Result r = Tools.run(Map.of("KATA_CONF_FILE", config.toString()), kataRuntime.toString(), "env");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains(config.toString()) && r.err().contains("default_vcpus"), r.toString());
    }

    @Test
    void theInstalledLauncherRuns() throws Exception {
        Path installed = Path.of("/opt/kata/bin/kata-runtime");
        if (!Files.isExecutable(installed)) {
            if (Tools.ci()) {
                throw new AssertionError(installed + " missing: run-tests.sh runs install.sh first");
            }
            Assumptions.abort(installed + " is not installed (scripts/install-opt-kata.sh)");
        }
        Tools.Result r = Tools.run(Map.of(), installed.toString(), "--version");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("kata-runtime  : "), r.toString());
        assertEquals("", r.err(), "no JVM warnings on stderr");
        Tools.Result unknown = Tools.run(Map.of(), installed.toString(), "no-such-verb");
        assertEquals(2, unknown.code(), unknown.toString());
        assertTrue(unknown.err().contains("unknown command \"no-such-verb\""), unknown.toString());
    }
}
