package dev.jkata.shim.backend;

import dev.jkata.hypervisor.qemu.Qemu;
import dev.jkata.runtime.annotations.AnnotationException;
import dev.jkata.runtime.annotations.Annotations;
import dev.jkata.runtime.config.ConfigException;
import dev.jkata.runtime.config.ConfigLoader;
import dev.jkata.runtime.config.KataConfig;
import dev.jkata.runtime.config.LoadedConfig;
import dev.jkata.runtime.network.NetworkSpec;
import dev.jkata.runtime.oci.OciBundle;
import dev.jkata.runtime.sandbox.Sandbox;
import dev.jkata.runtime.sandbox.SandboxConfigs;
import dev.jkata.runtime.sandbox.SandboxException;
import dev.jkata.shim.task.ContainerRequest;
import dev.jkata.shim.task.SandboxFactory;
import java.util.Map;

/**
 * Boots a sandbox for the first container: configuration (the request's config path, else
 * KATA_CONF_FILE, else Kata's search path), the bundle's annotations over it, then the VM and the
 * container. A sandbox whose first container fails is stopped again.
 */
final class RuntimeSandboxFactory implements SandboxFactory {
    private static final System.Logger LOG = System.getLogger(RuntimeSandboxFactory.class.getName());

    private final Map<String, String> env;

    RuntimeSandboxFactory(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Created createSandbox(ContainerRequest first) {
        OciBundle bundle = RuntimeBackend.bundle(first.bundle());
        KataConfig kata;
        try {
            LoadedConfig loaded = ConfigLoader.load(first.configPath(), env);
            LOG.log(System.Logger.Level.INFO, "sandbox " + first.id() + ": configuration " + loaded.file());
            kata = Annotations.apply(loaded.config(), bundle.annotations());
        } catch (ConfigException | AnnotationException e) {
            throw Errors.invalid(e.getMessage(), e);
        }
        String hostname = bundle.spec().getHostname();
        Sandbox sandbox;
        try {
            // static_sandbox_resource_mgmt sizes the VM from the spec's CRI annotations / resources
            sandbox = Sandbox.create(first.id(), SandboxConfigs.from(kata, bundle.spec()), new Qemu(), hostname,
                    NetworkSpec.from(kata.runtime(), bundle.spec())); // the pod netns named by the spec
        } catch (SandboxException e) {
            throw Errors.of(e.code(), e.getMessage(), e);
        }
        RuntimeBackend backend = new RuntimeBackend(sandbox);
        try {
            sandbox.createContainer(first.id(), bundle, RuntimeBackend.rootfs(first));
        } catch (SandboxException | RuntimeException e) {
            sandbox.close();
            if (e instanceof SandboxException se) {
                throw Errors.of(se.code(), se.getMessage(), se);
            }
            throw (RuntimeException) e;
        }
        return new Created(backend, backend.pid());
    }
}
