package dev.jkata.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiTypesTest {

    private static VmConfig vm(int vcpus, int max, int mem) {
        return new VmConfig("sb", Path.of("/s"), Path.of("/q"), Path.of("/k"), null, null, null, null, vcpus, max,
                mem, null, null, false);
    }

    @Test
    void vmConfigDefaultsAndChecks() {
        VmConfig c = vm(2, 0, 256);
        assertEquals(2, c.maxVcpus());
        assertEquals("", c.machineType());
        assertEquals(new SharedFs.None(), c.sharedFs());
        assertEquals(AcceleratorChoice.AUTO, c.accelerator());
        assertEquals("vcpus: expected at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> vm(0, 0, 256)).getMessage());
        assertEquals("maxVcpus: expected at least vcpus (2), got 1",
                assertThrows(IllegalArgumentException.class, () -> vm(2, 1, 256)).getMessage());
        assertEquals("memoryMiB: expected at least 64, got 8",
                assertThrows(IllegalArgumentException.class, () -> vm(1, 1, 8)).getMessage());
    }

    @Test
    void acceleratorChoiceParses() {
        assertEquals(AcceleratorChoice.AUTO, AcceleratorChoice.parse(""));
        assertEquals(AcceleratorChoice.KVM, AcceleratorChoice.parse("KVM"));
        assertEquals(AcceleratorChoice.TCG, AcceleratorChoice.parse(" tcg "));
        assertEquals("accelerator: expected one of \"auto\", \"kvm\", \"tcg\", got \"hvf\"",
                assertThrows(IllegalArgumentException.class, () -> AcceleratorChoice.parse("hvf")).getMessage());
    }

    @Test
    void sharedFsDefaults() {
        SharedFs.VirtioFs fs = new SharedFs.VirtioFs(Path.of("/d"), "kataShared", Path.of("/v"), " ", null);
        assertEquals("auto", fs.cache());
        assertEquals(List.of(), fs.extraArgs());
        assertThrows(IllegalArgumentException.class, () -> new AgentEndpoint.Vsock(2, 1024));
    }
}
