package dev.jkata.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.proto.agent.Linux;
import dev.jkata.proto.agent.LinuxCPU;
import dev.jkata.proto.agent.LinuxMemory;
import dev.jkata.proto.agent.LinuxResources;
import dev.jkata.proto.agent.Spec;
import dev.jkata.runtime.config.KataConfig;
import dev.jkata.runtime.config.RuntimeConfig;
import dev.jkata.ttrpc.Code;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxSizingTest {

    private static final long MIB = 1024 * 1024;

    private static Spec criSandbox(Map<String, String> sizing) {
        return Spec.newBuilder().putAnnotations(SandboxSizing.CONTAINER_TYPE, "sandbox").putAllAnnotations(sizing)
                .setLinux(Linux.newBuilder().setResources(LinuxResources.newBuilder()
                        .setCPU(LinuxCPU.newBuilder().setShares(2))))
                .build();
    }

    private static Spec single(long quota, long period, long memory) {
        return Spec.newBuilder().setLinux(Linux.newBuilder().setResources(LinuxResources.newBuilder()
                .setCPU(LinuxCPU.newBuilder().setQuota(quota).setPeriod(period))
                .setMemory(LinuxMemory.newBuilder().setLimit(memory)))).build();
    }

    @Test
    void arithmeticRoundsCpusUpAndMemoryDown() {
        assertEquals(new SandboxSizing(3, 1, "t"), SandboxSizing.compute(220_000, 100_000, MIB, "t"));
        assertEquals(new SandboxSizing(1, 0, "t"), SandboxSizing.compute(1, 100_000, MIB - 1, "t"));
        assertEquals(new SandboxSizing(2, 256, "t"), SandboxSizing.compute(200_000, 100_000, 256 * MIB + 5, "t"));
        assertEquals(new SandboxSizing(0, 0, "t"), SandboxSizing.compute(-1, 100_000, -1, "t"),
                "unlimited quota (-1) and memory (-1) add nothing");
        assertEquals(new SandboxSizing(0, 0, "t"), SandboxSizing.compute(50_000, 0, 0, "t"), "no period, no vCPUs");
    }

    @Test
    void aCriSandboxIsSizedFromContainerdsAnnotations() throws Exception {
        SandboxSizing s = SandboxSizing.of(criSandbox(Map.of(SandboxSizing.CPU_QUOTA, "250000",
                SandboxSizing.CPU_PERIOD, "100000", SandboxSizing.MEMORY, Long.toString(300 * MIB))));
        assertEquals(3, s.extraVcpus());
        assertEquals(300, s.extraMemoryMiB());
        assertEquals("CRI sandbox annotations", s.source());
        // containerd sends quota 0 / memory 0 when the pod has no limits
        assertEquals(0, SandboxSizing.of(criSandbox(Map.of(SandboxSizing.CPU_QUOTA, "0",
                SandboxSizing.CPU_PERIOD, "100000", SandboxSizing.MEMORY, "0"))).extraVcpus());
    }

    @Test
    void withoutAnnotationsTheSpecsOwnResourcesCount() throws Exception {
        SandboxSizing s = SandboxSizing.of(single(150_000, 100_000, 64 * MIB));
        assertEquals(new SandboxSizing(2, 64, "the container's linux.resources"), s);
        assertEquals(0, SandboxSizing.of(criSandbox(Map.of())).extraVcpus(), "pause: shares only, nothing added");
        assertEquals(SandboxSizing.NONE, SandboxSizing.of(Spec.getDefaultInstance()));
        // a pod container's annotations are not the sandbox's
        Spec podContainer = single(100_000, 100_000, 0).toBuilder()
                .putAnnotations(SandboxSizing.CONTAINER_TYPE, "container")
                .putAnnotations(SandboxSizing.CPU_QUOTA, "900000").build();
        assertEquals(1, SandboxSizing.of(podContainer).extraVcpus());
    }

    @Test
    void aMalformedAnnotationIsAnErrorNamingIt() {
        SandboxException e = assertThrows(SandboxException.class, () -> SandboxSizing.of(criSandbox(Map.of(
                SandboxSizing.CPU_QUOTA, "lots", SandboxSizing.CPU_PERIOD, "100000"))));
        assertEquals(Code.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains(SandboxSizing.CPU_QUOTA) && e.getMessage().contains("\"lots\""),
                e.getMessage());
        SandboxException mem = assertThrows(SandboxException.class, () -> SandboxSizing.of(criSandbox(Map.of(
                SandboxSizing.MEMORY, "1Gi"))));
        assertTrue(mem.getMessage().contains(SandboxSizing.MEMORY), mem.getMessage());
        SandboxException period = assertThrows(SandboxException.class, () -> SandboxSizing.of(criSandbox(Map.of(
                SandboxSizing.CPU_PERIOD, "-5"))));
        assertTrue(period.getMessage().contains(SandboxSizing.CPU_PERIOD), period.getMessage());
    }

    @Test
    void sandboxConfigsAddsTheSizeOnlyWhenStaticManagementIsOn() throws Exception {
        Spec spec = criSandbox(Map.of(SandboxSizing.CPU_QUOTA, "200000", SandboxSizing.CPU_PERIOD, "100000",
                SandboxSizing.MEMORY, Long.toString(128 * MIB)));
        KataConfig off = KataConfig.defaults();
        SandboxConfig base = SandboxConfigs.from(off, Path.of("/tmp/r"), Path.of("/tmp/s"));
        assertEquals(base, SandboxConfigs.from(off, spec, Path.of("/tmp/r"), Path.of("/tmp/s")));
        KataConfig on = off.withRuntime(new RuntimeConfig(false, "tcfilter", false, false, Duration.ofSeconds(60),
                List.of(), true));
        SandboxConfig sized = SandboxConfigs.from(on, spec, Path.of("/tmp/r"), Path.of("/tmp/s"));
        assertEquals(base.vm().vcpus() + 2, sized.vm().vcpus());
        assertTrue(sized.vm().maxVcpus() >= sized.vm().vcpus(), "max vCPUs follows: " + sized.vm().maxVcpus());
        assertEquals(base.vm().memoryMiB() + 128, sized.vm().memoryMiB());
        assertThrows(SandboxException.class, () -> SandboxConfigs.from(on,
                criSandbox(Map.of(SandboxSizing.MEMORY, "x")), Path.of("/tmp/r"), Path.of("/tmp/s")));
    }
}
