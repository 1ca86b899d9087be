package dev.jkata.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.hypervisor.MemoryOptions;
import dev.jkata.hypervisor.SharedFs;
import dev.jkata.hypervisor.VmConfig;
import dev.jkata.runtime.config.AgentConfig;
import dev.jkata.runtime.config.KataConfig;
import dev.jkata.runtime.config.QemuConfig;
import dev.jkata.runtime.config.SharedFsType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxConfigsTest {

    @Test
    void mapsKataConfigIncludingAgentDebugAndTimeouts() {
        KataConfig kata = KataConfig.defaults()
                .withAgent(new AgentConfig(Duration.ofSeconds(12), false, List.of(), true, 0));
        SandboxConfig c = SandboxConfigs.from(kata, Path.of("/tmp/r"), Path.of("/tmp/s"));
        assertEquals(kata.hypervisor().path(), c.vm().hypervisorPath());
        assertEquals(kata.hypervisor().kernel(), c.vm().kernel());
        assertEquals(Duration.ofSeconds(12), c.agentTimeouts().dial());
        assertEquals(kata.runtime().createContainerTimeout(), c.agentTimeouts().request());
        String params = c.vm().kernelParams();
        assertTrue(params.contains("agent.log=debug"), params);
        assertEquals(params.indexOf("agent.log="), params.lastIndexOf("agent.log="), "agent.log must appear once: " + params);
        assertEquals(Path.of("/tmp/r"), c.runRoot());
        assertEquals(Path.of("/tmp/s"), c.sharedRoot());
        assertTrue(c.vm().vcpus() >= 1 && c.vm().memoryMiB() >= 64);
        assertEquals(SharedFsType.VIRTIO_FS, c.sharedFs());
    }

    @Test
    void aSandboxsVmIsKataConfigsMappingWithItsOwnNameAndDirectories() {
        QemuConfig.Builder q = KataConfig.defaults().hypervisor().toBuilder();
        q.reclaimGuestFreedMemory = true;
        q.tcgTbSizeMiB = 64;
        q.virtioFsCache = "never";
        q.virtioFsExtraArgs = List.of("--thread-pool-size=2");
        KataConfig kata = KataConfig.defaults().withHypervisor(q.build());
        SandboxConfig c = SandboxConfigs.from(kata, Path.of("/tmp/r"), Path.of("/tmp/s"));

        Path state = Path.of("/tmp/r/sb1");
        Path shared = Path.of("/tmp/s/sb1/shared");
        VmConfig vm = c.vmConfigOf("sb1", state, shared);
        assertEquals(kata.toVmConfig("sb1", state, shared, null), vm);
        assertEquals(new MemoryOptions(true, 64), vm.memory(), "memory keys reach the VM");
        SharedFs.VirtioFs fs = assertInstanceOf(SharedFs.VirtioFs.class, vm.sharedFs());
        assertEquals(shared, fs.sharedDir());
        assertEquals("never", fs.cache());
    }

    @Test
    void sizingKeepsEverythingElseOfTheVm() {
        QemuConfig.Builder q = KataConfig.defaults().hypervisor().toBuilder();
        q.sharedFs = SharedFsType.VIRTIO_9P;
        q.defaultVcpus = 1;
        q.defaultMemoryMiB = 512;
        SandboxConfig c = SandboxConfigs.from(KataConfig.defaults().withHypervisor(q.build()), Path.of("/tmp/r"),
                Path.of("/tmp/s"));
        SandboxConfig sized = c.withSize(2, 0, 768);
        assertEquals(2, sized.vm().vcpus());
        assertEquals(2, sized.vm().maxVcpus(), "0 = the boot vCPUs");
        assertEquals(768, sized.vm().memoryMiB());
        assertEquals(SharedFsType.VIRTIO_9P, sized.sharedFs());
        VmConfig vm = sized.vmConfigOf("sb2", Path.of("/tmp/r/sb2"), Path.of("/tmp/s/sb2/shared"));
        assertEquals(new SharedFs.Virtio9p(Path.of("/tmp/s/sb2/shared"), KataConfig.SHARED_FS_TAG), vm.sharedFs());
        assertEquals(c.vm().kernelParams(), vm.kernelParams());
        assertEquals(c.vm().hypervisorPath(), vm.hypervisorPath());
    }
}
