package dev.jkata.tests.guest;

import org.junit.jupiter.api.Test;

/** Containers in a real guest whose rootfs comes from the host over virtio-fs (virtiofsd), microvm. */
class GuestVirtioFsIT {

    @Test
    void unameInContainerShowsTheGuestKernel() throws Exception {
        try (SandboxFixture f = SandboxFixture.start(VmConfig.Machine.MICROVM, VmConfig.Share.VIRTIO_FS)) {
            ContainerScenarios.unameShowsGuestKernel(f, GuestKernel.release(GuestAssets.require()));
        }
    }

    @Test
    void exitStatusThree() throws Exception {
        try (SandboxFixture f = SandboxFixture.start(VmConfig.Machine.MICROVM, VmConfig.Share.VIRTIO_FS)) {
            ContainerScenarios.exitStatusIsReported(f);
        }
    }

    @Test
    void execAndStatsInALongRunningContainer() throws Exception {
        try (SandboxFixture f = SandboxFixture.start(VmConfig.Machine.MICROVM, VmConfig.Share.VIRTIO_FS)) {
            ContainerScenarios.execAndStatsInLongRunningContainer(f);
        }
    }

    @Test
    void ttyWinResize() throws Exception {
        try (SandboxFixture f = SandboxFixture.start(VmConfig.Machine.MICROVM, VmConfig.Share.VIRTIO_FS)) {
            ContainerScenarios.ttyWinResizeIsSeenByStty(f);
        }
    }

    @Test
    void sigtermToTrappingContainer() throws Exception {
        try (SandboxFixture f = SandboxFixture.start(VmConfig.Machine.MICROVM, VmConfig.Share.VIRTIO_FS)) {
            ContainerScenarios.sigtermRunsTheTrap(f);
        }
    }

    @Test
    void q35WithVirtioFsPci() throws Exception {
        try (SandboxFixture f = SandboxFixture.start(VmConfig.Machine.Q35, VmConfig.Share.VIRTIO_FS)) {
            ContainerScenarios.unameShowsGuestKernel(f, GuestKernel.release(GuestAssets.require()));
        }
    }
}
