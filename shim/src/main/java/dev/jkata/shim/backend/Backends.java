package dev.jkata.shim.backend;

import dev.jkata.shim.ShimException;
import dev.jkata.shim.task.SandboxFactory;
import java.nio.file.Path;
import java.util.Map;

/** The real sandbox backend (runtime module) behind the task service, and host cleanup for {@code delete}. */
public final class Backends {
    private Backends() {}

    public static SandboxFactory factory(String namespace, Map<String, String> env) {
        return request -> {
            throw new ShimException(ShimException.Kind.UNIMPLEMENTED,
                    "creating sandbox " + request.id() + ": the runtime sandbox backend is not available yet");
        };
    }

    public static void cleanup(String namespace, String sandboxId, String containerId, Path bundle) {
        // filled in with the runtime's SandboxCleaner
    }
}
