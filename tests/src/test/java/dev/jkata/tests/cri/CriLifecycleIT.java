package dev.jkata.tests.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.tests.cri.api.Cri;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * What the kubelet does to a pod's containers over its life, in one VM: a container that exits has
 * its exit code and output in CRI's status and log; it is removed and a new attempt of it is created in
 * the same, still running VM; ExecSync reports a command's exit code and stderr; a container stopped
 * with a grace period ends by its SIGTERM trap. The pod's VM is the same QEMU process throughout.
 */
class CriLifecycleIT {
    @AutoClose
    private CriFixture fx;

    @Test
    void containersComeAndGoInTheSameVm() throws Exception {
        fx = CriFixture.start(Map.of());
        CriFixture.Pod pod = fx.runPod("jklife", b -> b);
        List<String> vm = CriFixture.qemuOf(pod.id());
        assertEquals(1, vm.size(), "the pod's VM: " + vm);

        Cri.ContainerConfig.Builder once = PodSpecs.shell("once", "echo out-line; echo err-line >&2; exit 7");
        String first = fx.start(pod, once.build());
        Cri.ContainerStatus s = fx.awaitExit(first, Duration.ofMinutes(2));
        String log = fx.containerLog(pod, "once");
        assertEquals(Cri.ContainerState.CONTAINER_EXITED, s.getState(), s.toString());
        assertEquals(7, s.getExitCode(), "the exit code reaches CRI: " + s);
        assertTrue(log.contains(" stdout F out-line") && log.contains(" stderr F err-line"),
                "stdout and stderr reach CRI's log file: " + log);
        fx.cri().removeContainer(first, CriFixture.CALL_TIMEOUT);
        assertEquals(vm, CriFixture.qemuOf(pod.id()), "removing a container keeps the pod's VM");

        once.getMetadataBuilder().setAttempt(1);
        once.setLogPath("once-1.log");
        String second = fx.start(pod, once.build());
        Cri.ContainerStatus s2 = fx.awaitExit(second, Duration.ofMinutes(2));
        assertEquals(7, s2.getExitCode(), "the second attempt ran in the same VM: " + s2);

        String server = fx.start(pod, PodSpecs.shell("server", PodSpecs.SLEEP_UNTIL_TERM).build());
        CriClient.Exec e = fx.cri().execSync(server, 60, "sh", "-c", "echo to-out; echo to-err >&2; exit 3");
        assertEquals(3, e.exit(), e.describe());
        assertEquals("to-out", e.out().strip(), e.describe());
        assertEquals("to-err", e.err().strip(), e.describe());

        fx.cri().stopContainer(server, 30, CriFixture.CALL_TIMEOUT);
        Cri.ContainerStatus stopped = fx.cri().containerStatus(server);
        assertEquals(Cri.ContainerState.CONTAINER_EXITED, stopped.getState(), stopped.toString());
        assertEquals(0, stopped.getExitCode(), "the container ended by its SIGTERM trap: " + stopped);
        assertEquals(vm, CriFixture.qemuOf(pod.id()), "the VM outlives its containers while the pod exists");
        assertEquals(2, fx.cri().listContainers(pod.id()).size(), "CRI lists the second attempt and the server");

        CriFixture.assertNoLeaks(fx.removeAndCollectLeaks(pod), pod);
    }
}
