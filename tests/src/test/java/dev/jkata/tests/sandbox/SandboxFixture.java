package dev.jkata.tests.sandbox;

import dev.jkata.hypervisor.qemu.Qemu;
import dev.jkata.runtime.config.AgentConfig;
import dev.jkata.runtime.config.KataConfig;
import dev.jkata.runtime.config.QemuConfig;
import dev.jkata.runtime.config.SharedFsType;
import dev.jkata.runtime.network.NetworkSpec;
import dev.jkata.runtime.sandbox.Sandbox;
import dev.jkata.runtime.sandbox.SandboxConfig;
import dev.jkata.runtime.sandbox.SandboxConfigs;
import dev.jkata.runtime.state.SandboxCleaner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The set-up the in-process sandbox ITs share: a Kata configuration for the guest assets (512 MiB, one
 * vCPU, the agent given {@link #BOOT} to come up under TCG) with state under the test's temporary
 * directory, a sandbox started with its clean-up registered, and small waiting/reading helpers.
 */
public final class SandboxFixture {

    /** How long the agent may take to answer after QEMU starts (TCG on a loaded host). */
    public static final Duration BOOT = Duration.ofSeconds(180);

    private SandboxFixture() {
    }

    /** {@link #config(GuestAssets, Path, SharedFsType)} with virtio-fs. */
    public static SandboxConfig config(GuestAssets assets, Path tmp) {
        return config(assets, tmp, SharedFsType.VIRTIO_FS);
    }

    /** Kata's defaults for {@code assets}, state under {@code tmp/run} and {@code tmp/shared/sandboxes}. */
    public static SandboxConfig config(GuestAssets assets, Path tmp, SharedFsType sharedFs) {
        return config(assets, tmp, sharedFs, "", BOOT);
    }

    /** As {@link #config(GuestAssets, Path, SharedFsType)} with guest kernel parameters and an agent dial timeout. */
    public static SandboxConfig config(GuestAssets assets, Path tmp, SharedFsType sharedFs, String kernelParams,
            Duration dial) {
        QemuConfig.Builder q = KataConfig.defaults().hypervisor().toBuilder();
        q.sharedFs = sharedFs;
        q.path = GuestAssets.QEMU;
        q.kernel = assets.kernel();
        q.initrd = assets.initrd();
        q.virtioFsDaemon = GuestAssets.VIRTIOFSD;
        q.defaultMemoryMiB = 512;
        q.defaultVcpus = 1;
        q.kernelParams = kernelParams;
        KataConfig kata = KataConfig.defaults().withHypervisor(q.build())
                .withAgent(new AgentConfig(dial, false, List.of(), true, 0));
        return SandboxConfigs.from(kata, tmp.resolve("run"), tmp.resolve("shared/sandboxes"));
    }

    /** A sandbox without pod networking; its close and the cleaner of its state directory go to {@code cleanups}. */
    public static Sandbox start(Cleanups cleanups, String id, SandboxConfig config, String hostname)
            throws Exception {
        cleanups.add(() -> SandboxCleaner.cleanup(config.stateDirOf(id)));
        Sandbox sandbox = Sandbox.create(id, config, new Qemu(), hostname);
        cleanups.add(sandbox);
        return sandbox;
    }

    /** As {@link #start(Cleanups, String, SandboxConfig, String)} with {@code network}. */
    public static Sandbox start(Cleanups cleanups, String id, SandboxConfig config, String hostname,
            NetworkSpec network) throws Exception {
        cleanups.add(() -> SandboxCleaner.cleanup(config.stateDirOf(id)));
        Sandbox sandbox = Sandbox.create(id, config, new Qemu(), hostname, network);
        cleanups.add(sandbox);
        return sandbox;
    }

    /** Polls {@code condition} every 100 ms; an AssertionError naming {@code what} after {@code timeout}. */
    public static void waitFor(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Reads {@code in} to its end on a virtual thread. */
    public static CompletableFuture<String> readAll(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** The file's text, or "" while it cannot be read. */
    public static String contentOf(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
