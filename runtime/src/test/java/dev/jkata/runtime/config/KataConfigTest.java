package dev.jkata.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.jkata.hypervisor.AcceleratorChoice;
import dev.jkata.hypervisor.SharedFs;
import dev.jkata.hypervisor.VmConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class KataConfigTest {

    private static final Path STATE = Path.of("/run/kata-containers/sb");
    private static final Path SHARED = Path.of("/run/kata-containers/shared/sandboxes/sb/shared");

    @Test
    void toVmConfigMapsEveryField() {
        QemuConfig.Builder b = QemuConfig.defaults().toBuilder();
        b.kernelParams = "foo=1";
        b.defaultVcpus = 1;
        b.defaultMemoryMiB = 512;
        b.machineType = "q35";
        b.virtioFsExtraArgs = List.of("--thread-pool-size=1");
        b.virtioFsCache = "always";
        b.enableDebug = true;
        b.accelerator = AcceleratorChoice.TCG;
        KataConfig c = new KataConfig(b.build(),
                new AgentConfig(Duration.ofSeconds(10), true, List.of(), true, 4096), RuntimeConfig.DEFAULT);
        VmConfig vm = c.toVmConfig("sb", STATE, SHARED, "extra=2");
        assertEquals("sb", vm.id());
        assertEquals(STATE, vm.stateDir());
        assertEquals(QemuConfig.DEFAULT_PATH, vm.hypervisorPath());
        assertEquals(QemuConfig.DEFAULT_KERNEL, vm.kernel());
        assertEquals(QemuConfig.DEFAULT_INITRD, vm.initrd());
        assertEquals("q35", vm.machineType());
        assertEquals("foo=1 agent.log=debug agent.debug_console agent.container_pipe_size=4096 extra=2",
                vm.kernelParams());
        assertEquals(1, vm.vcpus());
        assertEquals(1, vm.maxVcpus());
        assertEquals(512, vm.memoryMiB());
        assertEquals(new SharedFs.VirtioFs(SHARED, "kataShared", QemuConfig.DEFAULT_VIRTIOFSD, "always",
                List.of("--thread-pool-size=1")), vm.sharedFs());
        assertEquals(AcceleratorChoice.TCG, vm.accelerator());
        assertEquals(true, vm.debug());
    }

    @Test
    void vcpuRulesFollowUpstream() {
        int host = Runtime.getRuntime().availableProcessors();
        assertEquals(1, vcpus(0, 0).vcpus());
        assertEquals(host, vcpus(-1, 0).vcpus());
        assertEquals(host, vcpus(1024, 0).vcpus());
        assertEquals(1, vcpus(1, 0).maxVcpus());
        assertEquals(Math.min(host, 1024), vcpus(1, 1024).maxVcpus());
    }

    private static VmConfig vcpus(int vcpus, int max) {
        QemuConfig.Builder b = QemuConfig.defaults().toBuilder();
        b.defaultVcpus = vcpus;
        b.defaultMaxVcpus = max;
        return KataConfig.defaults().withHypervisor(b.build()).toVmConfig("sb", STATE, SHARED, "");
    }

    @Test
    void sharedFsChoices() {
        QemuConfig.Builder b = QemuConfig.defaults().toBuilder();
        b.sharedFs = SharedFsType.VIRTIO_9P;
        assertEquals(new SharedFs.Virtio9p(SHARED, "kataShared"),
                KataConfig.defaults().withHypervisor(b.build()).toVmConfig("sb", STATE, SHARED, "").sharedFs());
        b.sharedFs = SharedFsType.NONE;
        assertInstanceOf(SharedFs.None.class,
                KataConfig.defaults().withHypervisor(b.build()).toVmConfig("sb", STATE, SHARED, null).sharedFs());
        assertEquals("", KataConfig.defaults().toVmConfig("sb", STATE, SHARED, null).kernelParams());
    }
}
