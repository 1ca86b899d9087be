package dev.jkata.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.hypervisor.AcceleratorChoice;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Wrong types and values: each error names the file, the table, the key and the expected form. */
class ConfigValuesTest {

    @TempDir
    Path tmp;

    private LoadedConfig load(String text) throws Exception {
        return ConfigLoader.loadFile(Files.writeString(tmp.resolve("configuration.toml"), text));
    }

    private String error(String text) {
        return assertThrows(ConfigException.class, () -> load(text)).getMessage();
    }

    private String file() {
        return tmp.resolve("configuration.toml").toString();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "default_vcpus = \"two\"|[hypervisor.qemu] default_vcpus: expected an integer, got string \"two\"",
        "default_memory = 32|[hypervisor.qemu] default_memory: expected at least 64 (MiB), got 32",
        "default_memory = -1|[hypervisor.qemu] default_memory: expected an integer from 0 to 4194304, got -1",
        "default_maxvcpus = 1.5|[hypervisor.qemu] default_maxvcpus: expected an integer, got float 1.5",
        "enable_debug = 1|[hypervisor.qemu] enable_debug: expected true or false, got integer 1",
        "kernel = \"vmlinux\"|[hypervisor.qemu] kernel: expected an absolute path, got \"vmlinux\"",
        "path = 7|[hypervisor.qemu] path: expected a string, got integer 7",
        "shared_fs = \"virtio-fs-nydus\"|[hypervisor.qemu] shared_fs: \"virtio-fs-nydus\" is not supported by jkata; "
                + "use \"virtio-fs\", \"virtio-9p\" or \"none\"",
        "shared_fs = \"nfs\"|[hypervisor.qemu] shared_fs: expected one of \"virtio-fs\", \"virtio-9p\", \"none\", got \"nfs\"",
        "virtio_fs_cache = \"sometimes\"|[hypervisor.qemu] virtio_fs_cache: expected one of \"auto\", \"always\", "
                + "\"never\", \"metadata\", \"none\", got \"sometimes\"",
        "virtio_fs_extra_args = \"--x\"|[hypervisor.qemu] virtio_fs_extra_args: expected an array of strings, got string \"--x\"",
        "virtio_fs_extra_args = [1]|[hypervisor.qemu] virtio_fs_extra_args: expected an array of strings, got an element integer 1",
        "accelerator = \"hvf\"|[hypervisor.qemu] accelerator: expected one of \"auto\", \"kvm\", \"tcg\", got \"hvf\"",
        "enable_annotations = [\"(\"]|[hypervisor.qemu] enable_annotations: expected regular expressions, got \"(\": Unclosed group",
    })
    void hypervisorKeyErrors(String line, String expected) {
        assertEquals(file() + ": " + expected, error("[hypervisor.qemu]\n" + line + "\n"));
    }

    @Test
    void initrdAndImageTogetherIsAnError() {
        assertEquals(file() + ": [hypervisor.qemu] initrd: expected either initrd or image, got both (image = \"/i.img\")",
                error("[hypervisor.qemu]\ninitrd = \"/i.cpio\"\nimage = \"/i.img\"\n"));
    }

    @Test
    void agentAndRuntimeErrors() {
        assertEquals(file() + ": [agent.kata] dial_timeout: expected an integer, got string \"45s\"",
                error("[hypervisor.qemu]\n[agent.kata]\ndial_timeout = \"45s\"\n"));
        assertEquals(file() + ": [runtime] internetworking_model: expected one of \"tcfilter\", \"macvtap\", \"none\","
                + " got \"bridged\"", error("[hypervisor.qemu]\n[runtime]\ninternetworking_model = \"bridged\"\n"));
        assertEquals(file() + ": [runtime] sandbox_cgroup_only: expected true or false, got string \"yes\"",
                error("[hypervisor.qemu]\n[runtime]\nsandbox_cgroup_only = \"yes\"\n"));
    }

    @Test
    void otherHypervisorsAreRefusedWhenTheyAreTheOnlyOne() {
        String msg = error("[hypervisor.clh]\npath = \"/usr/bin/cloud-hypervisor\"\n");
        assertTrue(msg.startsWith(file() + ": [hypervisor.clh]: hypervisor \"clh\" is not supported by jkata"
                + " (supported: qemu"), msg);
    }

    @Test
    void otherHypervisorTablesBesideQemuAreIgnored() throws Exception {
        LoadedConfig c = load("[hypervisor.fc]\npath = \"/fc\"\n[hypervisor.qemu]\ndefault_vcpus = 2\n");
        assertEquals(2, c.config().hypervisor().defaultVcpus());
        assertTrue(c.ignoredKeys().contains("[hypervisor.fc] path"), c.ignoredKeys().toString());
    }

    @Test
    void missingOrMalformedTables() {
        assertEquals(file() + ": expected a [hypervisor.qemu] table, found no [hypervisor.*] table",
                error("[runtime]\nenable_debug = true\n"));
        assertEquals(file() + ": hypervisor: expected a table, got integer 3", error("hypervisor = 3\n"));
        assertEquals(file() + ": agent.kata: expected a table, got string \"x\"",
                error("[hypervisor.qemu]\n[agent]\nkata = \"x\"\n"));
    }

    @Test
    void absentKeysTakeDefaultsAndFractionalVcpusRoundUp() throws Exception {
        KataConfig c = load("[hypervisor.qemu]\ndefault_vcpus = 1.5\ndefault_memory = 0\n").config();
        QemuConfig q = c.hypervisor();
        assertEquals(2, q.defaultVcpus());
        assertEquals(QemuConfig.DEFAULT_MEMORY_MIB, q.defaultMemoryMiB());
        assertEquals(QemuConfig.DEFAULT_PATH, q.path());
        assertEquals(QemuConfig.DEFAULT_INITRD, q.initrd());
        assertEquals(AcceleratorChoice.AUTO, q.accelerator());
        assertEquals(AgentConfig.DEFAULT, c.agent());
        assertEquals(RuntimeConfig.DEFAULT, c.runtime());
    }

    @Test
    void ourAcceleratorKeyAndEmptyPathsParse() throws Exception {
        QemuConfig q = load("[hypervisor.qemu]\naccelerator = \"tcg\"\nimage = \"\"\ninitrd = \"/x/initrd\"\n")
                .config().hypervisor();
        assertEquals(AcceleratorChoice.TCG, q.accelerator());
        assertEquals(Path.of("/x/initrd"), q.initrd());
        assertEquals(null, q.image());
    }
}
