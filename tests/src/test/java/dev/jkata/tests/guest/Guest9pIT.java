package dev.jkata.tests.guest;

import org.junit.jupiter.api.Test;

/** Containers in a real guest whose rootfs comes from the host over virtio-9p. */
class Guest9pIT {

    @Test
    void unameAndExitStatusOver9p() throws Exception {
        try (SandboxFixture f = SandboxFixture.start(VmConfig.Machine.MICROVM, VmConfig.Share.NINE_P)) {
            ContainerScenarios.unameShowsGuestKernel(f, GuestKernel.release(GuestAssets.require()));
            ContainerScenarios.exitStatusIsReported(f);
        }
    }
}
