package dev.jkata.shim.backend;

import com.google.protobuf.Any;
import dev.jkata.runtime.oci.LinuxParser;
import dev.jkata.runtime.oci.OciBundle;
import dev.jkata.runtime.oci.OciException;
import dev.jkata.runtime.oci.SpecParser;
import dev.jkata.runtime.sandbox.Container;
import dev.jkata.runtime.sandbox.ContainerProcess;
import dev.jkata.runtime.sandbox.RootfsMount;
import dev.jkata.runtime.sandbox.Sandbox;
import dev.jkata.runtime.sandbox.SandboxException;
import dev.jkata.shim.ShimException;
import dev.jkata.shim.task.ContainerRequest;
import dev.jkata.shim.task.ExecRequest;
import dev.jkata.shim.task.ExitStatus;
import dev.jkata.shim.task.ProcessStreams;
import dev.jkata.shim.task.SandboxBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * {@link SandboxBackend} over the runtime's {@link Sandbox}. Like Kata, every process is reported
 * with the VM's (QEMU's) pid: the guest's pids mean nothing on the host.
 */
final class RuntimeBackend implements SandboxBackend {
    private static final System.Logger LOG = System.getLogger(RuntimeBackend.class.getName());
    private final Sandbox sandbox;

    RuntimeBackend(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    int pid() {
        return (int) sandbox.vm().pid();
    }

    static List<RootfsMount> rootfs(ContainerRequest request) {
        return request.rootfs().stream().map(m -> new RootfsMount(m.type(), m.source(), m.options())).toList();
    }

    static OciBundle bundle(Path dir) {
        try {
            return OciBundle.load(dir);
        } catch (OciException e) {
            throw Errors.invalid(e.getMessage(), e);
        }
    }

    private Container container(String id) {
        return sandbox.container(id).orElseThrow(() -> ShimException.notFound(
                "container " + id + " not found in sandbox " + sandbox.id()));
    }

    private ContainerProcess process(String id, String execId) {
        return container(id).process(execId).orElseThrow(() -> ShimException.notFound(
                "exec " + execId + " not found in container " + id));
    }

    @Override
    public int createContainer(ContainerRequest request) {
        try {
            sandbox.createContainer(request.id(), bundle(request.bundle()), rootfs(request));
        } catch (SandboxException e) {
            throw Errors.of(e.code(), e.getMessage(), e);
        }
        return pid();
    }

    @Override
    public int startContainer(String containerId) {
        try {
            container(containerId).start();
        } catch (SandboxException e) {
            throw Errors.of(e.code(), e.getMessage(), e);
        }
        return pid();
    }

    @Override
    public int startExec(String containerId, ExecRequest exec) {
        dev.jkata.proto.agent.Process process;
        try {
            process = SpecParser.process(Path.of("exec " + exec.execId()), exec.processJson());
        } catch (OciException e) {
            throw Errors.invalid("exec " + exec.execId() + " in " + containerId + ": " + e.getMessage(), e);
        }
        try {
            container(containerId).exec(exec.execId(), process);
        } catch (SandboxException e) {
            throw Errors.of(e.code(), e.getMessage(), e);
        }
        return pid();
    }

    @Override
    public ProcessStreams streams(String containerId, String execId) {
        ContainerProcess p = process(containerId, execId);
        return new ProcessStreams(p.stdin(), p.stdout(), p.terminal() ? null : p.stderr());
    }

    @Override
    public ExitStatus waitProcess(String containerId, String execId) {
        try {
            dev.jkata.runtime.sandbox.ExitStatus e = process(containerId, execId).exited().get();
            return new ExitStatus(e.code(), e.exitedAt());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShimException(ShimException.Kind.INTERNAL, "interrupted waiting for " + containerId);
        } catch (ExecutionException e) {
            throw new ShimException(ShimException.Kind.INTERNAL, "waiting for " + containerId + "/" + execId,
                    e.getCause());
        }
    }

    @Override
    public void signal(String containerId, String execId, int signal, boolean all) {
        try {
            if (execId.isEmpty()) {
                container(containerId).signal(signal, all);
            } else {
                process(containerId, execId).signal(signal);
            }
        } catch (SandboxException e) {
            throw Errors.of(e.code(), e.getMessage(), e);
        }
    }

    @Override
    public void pause(String containerId) {
        try {
            container(containerId).pause();
        } catch (SandboxException e) {
            throw Errors.of(e.code(), e.getMessage(), e);
        }
    }

    @Override
    public void resume(String containerId) {
        try {
            container(containerId).resume();
        } catch (SandboxException e) {
            throw Errors.of(e.code(), e.getMessage(), e);
        }
    }

    @Override
    public void resizePty(String containerId, String execId, int width, int height) {
        try {
            process(containerId, execId).resize(height, width);
        } catch (SandboxException e) {
            throw Errors.of(e.code(), e.getMessage(), e);
        }
    }

    @Override
    public void closeStdin(String containerId, String execId) {
        try {
            process(containerId, execId).closeStdin();
        } catch (SandboxException e) {
            throw Errors.of(e.code(), e.getMessage(), e);
        }
    }

    @Override
    public void update(String containerId, Any resources) {
        try {
            container(containerId).update(LinuxParser.resources(Path.of("update of " + containerId),
                    resources.getValue().toByteArray()));
        } catch (OciException e) {
            throw Errors.invalid(e.getMessage(), e);
        } catch (SandboxException e) {
            throw Errors.of(e.code(), e.getMessage(), e);
        }
    }

    @Override
    public Any stats(String containerId) {
        try {
            return MetricsConverter.toAny(container(containerId).stats());
        } catch (SandboxException e) {
            throw Errors.of(e.code(), e.getMessage(), e);
        }
    }

    @Override
    public void watchOom(java.util.function.Consumer<String> listener) {
        Thread.ofVirtual().name("oom-" + sandbox.id()).start(() -> {
            while (sandbox.vmAlive()) {
                try {
                    listener.accept(sandbox.agent().getOomEvent().getContainerId());
                } catch (dev.jkata.runtime.agent.AgentException e) {
                    if (!sandbox.vmAlive() || sandbox.agent().isClosed()) {
                        return;
                    }
                    if (e.code() == dev.jkata.ttrpc.Code.UNIMPLEMENTED) {
                        LOG.log(System.Logger.Level.INFO, "the agent does not report OOM events");
                        return;
                    }
                    LOG.log(System.Logger.Level.DEBUG, "GetOOMEvent: " + e.getMessage());
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        });
    }

    @Override
    public void forgetExec(String containerId, String execId) {
        sandbox.container(containerId).ifPresent(c -> c.forgetExec(execId));
    }

    @Override
    public void deleteContainer(String containerId) {
        try {
            container(containerId).remove();
        } catch (SandboxException e) {
            throw Errors.of(e.code(), e.getMessage(), e);
        }
    }

    @Override
    public void shutdown() {
        try {
            sandbox.stop();
        } catch (SandboxException e) {
            throw Errors.of(e.code(), e.getMessage(), e);
        }
    }

    @Override
    public CompletionStage<String> vmExited() {
        return sandbox.vmExited().thenApply(code -> "the VM process exited with status " + code);
    }
}
