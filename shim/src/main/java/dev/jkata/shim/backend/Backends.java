package dev.jkata.shim.backend;

import dev.jkata.runtime.sandbox.SandboxConfig;
import dev.jkata.runtime.state.SandboxCleaner;
import dev.jkata.runtime.state.StateException;
import dev.jkata.runtime.storage.LinuxMounter;
import dev.jkata.runtime.storage.StorageException;
import dev.jkata.shim.ShimException;
import dev.jkata.shim.task.SandboxFactory;
import java.nio.file.Path;
import java.util.Map;

/** The real sandbox backend (runtime module) behind the task service, and host cleanup for {@code delete}. */
public final class Backends {
    private static final System.Logger LOG = System.getLogger(Backends.class.getName());

    private Backends() {}

    public static SandboxFactory factory(String namespace, Map<String, String> env) {
        return new RuntimeSandboxFactory(env);
    }

    /**
     * What {@code delete} does after a failed create or a dead shim: for the sandbox's own container,
     * the runtime's cleaner tears down the sandbox from its state record; in every case nothing may
     * stay mounted on the bundle's rootfs.
     */
    public static void cleanup(String namespace, String sandboxId, String containerId, Path bundle) {
        if (sandboxId.equals(containerId)) {
            try {
                SandboxCleaner.Report r = SandboxCleaner.cleanup(SandboxConfig.DEFAULT_RUN_ROOT.resolve(sandboxId));
                // containerd 1.6 runs `delete` after every disconnect and logs its stderr as "cleanup warnings":
                // say something only when there was something to clean
                boolean nothing = r.killed().isEmpty() && r.unmounted().isEmpty() && r.removed().isEmpty()
                        && r.network() == null;
                LOG.log(nothing ? System.Logger.Level.DEBUG : System.Logger.Level.INFO, "delete " + sandboxId
                        + ": killed " + r.killed() + ", unmounted " + r.unmounted() + ", removed " + r.removed());
            } catch (StateException e) {
                throw new ShimException(ShimException.Kind.INTERNAL, "cleaning up sandbox " + sandboxId, e);
            }
        }
        try {
            new LinuxMounter().unmountAllUnder(bundle.resolve("rootfs"));
        } catch (StorageException e) {
            throw new ShimException(ShimException.Kind.INTERNAL, "unmounting the rootfs of " + containerId, e);
        }
    }
}
