package dev.jkata.tests.guest;

import java.nio.file.Path;

/**
 * A booted VM with its sandbox created over the chosen shared file system; closing it stops the VM
 * and asserts that nothing was left behind.
 */
final class SandboxFixture implements AutoCloseable {
    final GuestVm vm;
    final AgentOps ops;
    private final long qemuPid;
    private final Long virtiofsdPid;
    private final Path work;

    private SandboxFixture(GuestVm vm) {
        this.vm = vm;
        this.ops = new AgentOps(vm.agent());
        this.qemuPid = vm.qemuPid();
        this.virtiofsdPid = vm.virtiofsdPid();
        this.work = vm.workDir();
    }

    static SandboxFixture start(VmConfig.Machine machine, VmConfig.Share share) throws Exception {
        GuestAssets assets = GuestAssets.require();
        GuestAssets.requireTools(share == VmConfig.Share.VIRTIO_FS);
        GuestVm vm = GuestVm.boot(assets, VmConfig.of(machine, share));
        SandboxFixture f = new SandboxFixture(vm);
        try {
            f.ops.createSandbox("sb-" + Long.toHexString(System.nanoTime()), share);
        } catch (RuntimeException e) {
            String console = vm.consoleLog();
            vm.close();
            throw new AssertionError("CreateSandbox failed: " + e.getMessage() + "\nconsole:\n" + console, e);
        }
        return f;
    }

    /** Installs a busybox rootfs for {@code cid} in the shared directory. */
    void rootfs(String cid) throws Exception {
        BusyboxRootfs.install(vm.sharedDir(), cid);
    }

    @Override
    public void close() throws Exception {
        vm.close();
        GuestLeaks.assertClean(qemuPid, virtiofsdPid, work);
    }
}
