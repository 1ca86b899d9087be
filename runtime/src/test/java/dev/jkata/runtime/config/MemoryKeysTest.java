package dev.jkata.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jkata.hypervisor.MemoryOptions;
import dev.jkata.hypervisor.VmConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** reclaim_guest_freed_memory and tcg_tb_size: parsed, validated and carried to the VM config. */
class MemoryKeysTest {

    @TempDir
    Path tmp;

    private KataConfig load(String text) throws Exception {
        return ConfigLoader.loadFile(Files.writeString(tmp.resolve("configuration.toml"), text)).config();
    }

    @Test
    void absentKeysMeanNoBalloonAndTheDefaultCodeBuffer() throws Exception {
        QemuConfig q = load("[hypervisor.qemu]\n").hypervisor();
        assertFalse(q.reclaimGuestFreedMemory());
        assertEquals(0, q.tcgTbSizeMiB());
        assertEquals(MemoryOptions.DEFAULT, q.memoryOptions());
    }

    @Test
    void keysReachTheVmConfig() throws Exception {
        KataConfig c = load("[hypervisor.qemu]\nreclaim_guest_freed_memory = true\ntcg_tb_size = 128\n");
        VmConfig vm = c.toVmConfig("sb1", tmp.resolve("state"), tmp.resolve("shared"), null);
        assertEquals(new MemoryOptions(true, 128), vm.memory());
    }

    @Test
    void badValuesNameTheKey() {
        String tb = assertThrows(ConfigException.class, () -> load("[hypervisor.qemu]\ntcg_tb_size = -5\n"))
                .getMessage();
        assertEquals(true, tb.contains("[hypervisor.qemu] tcg_tb_size: expected an integer from 0 to 2048, got -5"), tb);
        String r = assertThrows(ConfigException.class,
                () -> load("[hypervisor.qemu]\nreclaim_guest_freed_memory = \"yes\"\n")).getMessage();
        assertEquals(true, r.contains("[hypervisor.qemu] reclaim_guest_freed_memory: expected true or false"), r);
    }
}
