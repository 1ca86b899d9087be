package dev.jkata.tests.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.jkata.tests.containerd.Leaks;
import dev.jkata.tests.cri.api.Cri;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The shim of a running CRI pod is SIGKILLed: containerd notices the disconnect and runs the shim's
 * {@code delete}, whose cleaner must take down the VM, virtiofsd, mounts and the pod's tcfilter
 * networking from the sandbox's state record; CRI then reports the pod not ready and its container
 * exited, and the usual Stop/RemovePodSandbox leave nothing behind.
 */
class CriCrashIT {
    @AutoClose
    private CriFixture fx;

    @Test
    void aKilledShimIsCleanedUpByContainerdAndTheCleaner() throws Exception {
        fx = CriFixture.start(Map.of());
        CriFixture.Pod pod = fx.runPod("jkcrash", b -> b);
        String app = fx.start(pod, PodSpecs.shell("app", PodSpecs.SLEEP_UNTIL_TERM).build());
        assertEquals(1, CriFixture.qemuOf(pod.id()).size(), "the pod's VM runs");

        List<String> shims = Leaks.processesMentioning(pod.id()).stream()
                .filter(p -> p.contains("dev.jkata.shim") || p.contains("containerd-shim-kata-v2")).toList();
        assertFalse(shims.isEmpty(), "the shim of " + pod.id() + " runs: " + Leaks.processesMentioning(pod.id()));
        for (String s : shims) {
            ProcessHandle.of(Long.parseLong(s.substring(0, s.indexOf(':')))).ifPresent(ProcessHandle::destroyForcibly);
        }

        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        Cri.ContainerStatus status = fx.cri().containerStatus(app);
        Cri.PodSandboxState state = fx.cri().podSandboxStatus(pod.id(), false).getStatus().getState();
        while ((status.getState() != Cri.ContainerState.CONTAINER_EXITED || state != Cri.PodSandboxState.SANDBOX_NOTREADY)
                && System.nanoTime() < deadline) {
            Thread.sleep(500);
            status = fx.cri().containerStatus(app);
            state = fx.cri().podSandboxStatus(pod.id(), false).getStatus().getState();
        }
        String diag = "\ncontainerd log:\n" + fx.containerd().log();
        assertEquals(Cri.ContainerState.CONTAINER_EXITED, status.getState(), "the container is reported exited" + diag);
        assertEquals(Cri.PodSandboxState.SANDBOX_NOTREADY, state, "the pod is reported not ready" + diag);
        List<String> vm = Leaks.awaitGone(pod.id(), 60_000);
        assertEquals(List.of(), vm, "the delete after the shim's death took the VM down" + diag);

        CriFixture.assertNoLeaks(fx.removeAndCollectLeaks(pod), pod);
    }
}
