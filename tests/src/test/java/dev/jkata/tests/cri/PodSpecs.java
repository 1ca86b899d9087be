package dev.jkata.tests.cri;

import dev.jkata.tests.cri.api.Cri;
import java.util.List;

/** CRI configs as the kubelet would send them for the tests' pods, with only what the tests need. */
public final class PodSpecs {
    /** A sh loop that sleeps until SIGTERM/SIGINT (PID 1 of a container ignores signals it has no trap for). */
    public static final String SLEEP_UNTIL_TERM = CriImages.PAUSE_SCRIPT;

    private PodSpecs() {}

    /** A pod in namespace "default" with pod-wide network/IPC and per-container PID namespaces. */
    public static Cri.PodSandboxConfig.Builder pod(String name, String uid, String logDir) {
        return Cri.PodSandboxConfig.newBuilder()
                .setMetadata(Cri.PodSandboxMetadata.newBuilder().setName(name).setUid(uid).setNamespace("default"))
                .setHostname(name)
                .setLogDirectory(logDir)
                .putLabels("io.kubernetes.pod.name", name)
                .setLinux(Cri.LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                        Cri.LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(namespaces())));
    }

    /** A container of {@link CriImages#BUSYBOX} running {@code command}, logging to {@code <name>.log}. */
    public static Cri.ContainerConfig.Builder container(String name, String... command) {
        return Cri.ContainerConfig.newBuilder()
                .setMetadata(Cri.ContainerMetadata.newBuilder().setName(name))
                .setImage(Cri.ImageSpec.newBuilder().setImage(CriImages.BUSYBOX))
                .addAllCommand(List.of(command))
                .setLogPath(name + ".log")
                .setLinux(Cri.LinuxContainerConfig.newBuilder().setSecurityContext(
                        Cri.LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(namespaces())));
    }

    /** {@code sh -c script} in the busybox image. */
    public static Cri.ContainerConfig.Builder shell(String name, String script) {
        return container(name, "/bin/sh", "-c", script);
    }

    private static Cri.NamespaceOption namespaces() {
        return Cri.NamespaceOption.newBuilder().setNetwork(Cri.NamespaceMode.POD)
                .setPid(Cri.NamespaceMode.CONTAINER).setIpc(Cri.NamespaceMode.POD).build();
    }
}
