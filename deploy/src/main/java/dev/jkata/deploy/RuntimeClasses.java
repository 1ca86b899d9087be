package dev.jkata.deploy;

import java.util.ArrayList;
import java.util.List;

/**
 * Kubernetes RuntimeClass manifests for the handlers registered in containerd. The pod overhead covers
 * the QEMU process, the guest kernel and agent, and the shim: measured on TCG hosts at ~240 MB for an
 * idle guest plus the shim JVM.
 */
final class RuntimeClasses {
    static final String MEMORY_OVERHEAD = "320Mi";
    static final String CPU_OVERHEAD = "250m";

    private RuntimeClasses() {
    }

    static String manifest(String handler) {
        return "---\n"
                + "kind: RuntimeClass\n"
                + "apiVersion: node.k8s.io/v1\n"
                + "metadata:\n"
                + "  name: " + handler + "\n"
                + "handler: " + handler + "\n"
                + "overhead:\n"
                + "  podFixed:\n"
                + "    memory: \"" + MEMORY_OVERHEAD + "\"\n"
                + "    cpu: \"" + CPU_OVERHEAD + "\"\n"
                + "scheduling:\n"
                + "  nodeSelector:\n"
                + "    katacontainers.io/kata-runtime: \"true\"\n";
    }

    /** One file per handler plus kata-runtimeClasses.yaml with all of them. */
    static List<FileEdit> plan(DeployPaths paths) {
        List<FileEdit> edits = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (String handler : ContainerdConfig.HANDLERS) {
            String m = manifest(handler);
            edits.add(new FileEdit(paths.runtimeClassDir().resolve(handler + ".yaml"), m));
            all.append(m);
        }
        edits.add(new FileEdit(paths.runtimeClassDir().resolve("kata-runtimeClasses.yaml"), all.toString()));
        return edits;
    }
}
