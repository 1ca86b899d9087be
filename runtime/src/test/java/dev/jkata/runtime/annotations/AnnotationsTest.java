package dev.jkata.runtime.annotations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.hypervisor.AcceleratorChoice;
import dev.jkata.runtime.config.KataConfig;
import dev.jkata.runtime.config.QemuConfig;
import dev.jkata.runtime.config.SharedFsType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnnotationsTest {

    private static final String H = "io.katacontainers.config.hypervisor.";

    private static KataConfig config(List<String> enable) {
        QemuConfig.Builder b = QemuConfig.defaults().toBuilder();
        b.kernelParams = "base=1";
        b.enableAnnotations = enable;
        b.validHypervisorPaths = List.of("/usr/bin/qemu-system-*", "/opt/kata/bin/qemu-system-x86_64");
        b.validVirtioFsDaemonPaths = List.of("/usr/lib/qemu/virtiofsd");
        return KataConfig.defaults().withHypervisor(b.build());
    }

    private static String refusal(KataConfig c, String key, String value) {
        return assertThrows(AnnotationException.class, () -> Annotations.apply(c, Map.of(key, value))).getMessage();
    }

    @Test
    void enabledHypervisorAnnotationsOverrideTheConfig() throws Exception {
        KataConfig c = Annotations.apply(config(List.of(".*")), Map.of(
                H + "default_vcpus", "2",
                H + "default_memory", "1024",
                H + "kernel_params", "agent.log=debug foo=bar",
                H + "enable_debug", "true",
                H + "machine_type", "q35",
                H + "shared_fs", "virtio-9p",
                H + "virtio_fs_cache", "never",
                H + "virtio_fs_extra_args", "[\"--thread-pool-size=1\"]",
                H + "accelerator", "tcg",
                H + "initrd", "/x/initrd.img"));
        QemuConfig q = c.hypervisor();
        assertEquals(2, q.defaultVcpus());
        assertEquals(1024, q.defaultMemoryMiB());
        assertEquals("base=1 agent.log=debug foo=bar", q.kernelParams(), "kernel_params appends");
        assertTrue(q.enableDebug());
        assertEquals("q35", q.machineType());
        assertEquals(SharedFsType.VIRTIO_9P, q.sharedFs());
        assertEquals("never", q.virtioFsCache());
        assertEquals(List.of("--thread-pool-size=1"), q.virtioFsExtraArgs());
        assertEquals(AcceleratorChoice.TCG, q.accelerator());
        assertEquals(Path.of("/x/initrd.img"), q.initrd());
        assertNull(q.image());
    }

    @Test
    void hypervisorAnnotationsNeedAMatchingEnablePattern() throws Exception {
        KataConfig c = config(List.of("kernel_params", "default_.*"));
        assertEquals(4, Annotations.apply(c, Map.of(H + "default_vcpus", "4")).hypervisor().defaultVcpus());
        assertEquals("annotation " + H + "enable_debug: not enabled; [hypervisor.qemu] enable_annotations has no"
                + " pattern matching \"enable_debug\"", refusal(c, H + "enable_debug", "true"));
        assertTrue(refusal(config(List.of()), H + "default_vcpus", "2").contains("not enabled"));
        // upstream matches unanchored: "vcpus" allows default_vcpus
        assertEquals(3, Annotations.apply(config(List.of("vcpus")), Map.of(H + "default_vcpus", "3"))
                .hypervisor().defaultVcpus());
    }

    @Test
    void pathAnnotationsMustMatchTheValidPathGlobs() throws Exception {
        KataConfig c = config(List.of("path", "virtio_fs_daemon"));
        assertEquals(Path.of("/usr/bin/qemu-system-aarch64"),
                Annotations.apply(c, Map.of(H + "path", "/usr/bin/qemu-system-aarch64")).hypervisor().path());
        assertEquals("annotation " + H + "path: path \"/tmp/evil-qemu\" is not allowed by [hypervisor.qemu]"
                + " valid_hypervisor_paths [/usr/bin/qemu-system-*, /opt/kata/bin/qemu-system-x86_64]",
                refusal(c, H + "path", "/tmp/evil-qemu"));
        assertTrue(refusal(c, H + "path", "/usr/bin/sub/qemu-system-x").contains("not allowed"),
                "a glob star does not cross directories");
        assertEquals(Path.of("/usr/lib/qemu/virtiofsd"), Annotations.apply(c,
                Map.of(H + "virtio_fs_daemon", "/usr/lib/qemu/virtiofsd")).hypervisor().virtioFsDaemon());
        assertTrue(refusal(c, H + "virtio_fs_daemon", "/bin/sh").contains("valid_virtio_fs_daemon_paths"));
        assertEquals("annotation " + H + "path: expected an absolute path, got \"qemu\"", refusal(c, H + "path", "qemu"));
    }

    @Test
    void unknownAndUnsupportedAnnotationsAreRefused() {
        KataConfig all = config(List.of(".*"));
        assertEquals("annotation " + H + "no_such_thing: unknown hypervisor annotation",
                refusal(all, H + "no_such_thing", "1"));
        assertEquals("annotation " + H + "enable_iommu: not supported by jkata", refusal(all, H + "enable_iommu", "true"));
        assertTrue(refusal(config(List.of()), H + "enable_iommu", "true").contains("not enabled"));
        assertEquals("annotation io.katacontainers.config.runtime.bogus: unknown runtime annotation",
                refusal(all, "io.katacontainers.config.runtime.bogus", "x"));
        assertEquals("annotation io.katacontainers.config.runtime.enable_pprof: not supported by jkata",
                refusal(all, "io.katacontainers.config.runtime.enable_pprof", "true"));
        assertEquals("annotation io.katacontainers.config.agent.trace_mode: not supported by jkata",
                refusal(all, "io.katacontainers.config.agent.trace_mode", "static"));
        assertTrue(refusal(all, "io.katacontainers.config.foo.bar", "x").startsWith(
                "annotation io.katacontainers.config.foo.bar: unknown"));
    }

    @Test
    void malformedValuesNameTheAnnotationAndTheExpectedForm() {
        KataConfig all = config(List.of(".*"));
        assertEquals("annotation " + H + "default_vcpus: expected a number of vCPUs, got \"two\"",
                refusal(all, H + "default_vcpus", "two"));
        assertEquals("annotation " + H + "default_memory: expected an integer from 64 to 4194304, got \"16\"",
                refusal(all, H + "default_memory", "16"));
        assertEquals("annotation " + H + "enable_debug: expected true or false, got \"yes\"",
                refusal(all, H + "enable_debug", "yes"));
        assertEquals("annotation " + H + "virtio_fs_extra_args: expected a JSON array of strings, got \"--x\"",
                refusal(all, H + "virtio_fs_extra_args", "--x"));
        assertTrue(refusal(all, H + "shared_fs", "virtio-fs-nydus").contains("expected one of"));
    }

    @Test
    void runtimeAndAgentAnnotationsNeedNoEnabling() throws Exception {
        KataConfig c = Annotations.apply(config(List.of()), Map.of(
                "io.katacontainers.config.runtime.sandbox_cgroup_only", "true",
                "io.katacontainers.config.runtime.disable_new_netns", "1",
                "io.katacontainers.config.runtime.internetworking_model", "none",
                "io.katacontainers.config.runtime.experimental", "a, b",
                "io.katacontainers.config.agent.kernel_modules", "e1000e EEE=1; i915 enable_ppgtt=0",
                "io.katacontainers.config.agent.container_pipe_size", "2097152"));
        assertTrue(c.runtime().sandboxCgroupOnly());
        assertTrue(c.runtime().disableNewNetns());
        assertEquals("none", c.runtime().internetworkingModel());
        assertEquals(List.of("a", "b"), c.runtime().experimental());
        assertEquals(List.of("e1000e EEE=1", "i915 enable_ppgtt=0"), c.agent().kernelModules());
        assertEquals(List.of("agent.container_pipe_size=2097152"), c.agent().kernelParams());
        assertTrue(refusal(c, "io.katacontainers.config.runtime.internetworking_model", "bridge")
                .contains("expected one of"));
    }

    @Test
    void annotationsOutsideTheConfigNamespaceAreLeftAlone() throws Exception {
        KataConfig c = config(List.of());
        KataConfig out = Annotations.apply(c, Map.of(
                "io.katacontainers.pkg.oci.bundle_path", "/run/bundle",
                "io.katacontainers.config_path", "/etc/x.toml",
                "io.kubernetes.cri.sandbox-id", "abc"));
        assertEquals(c, out);
        assertSame(c.agent(), out.agent());
    }
}
