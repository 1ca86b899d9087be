package dev.jkata.runtime.sandbox;

import dev.jkata.proto.agent.Spec;
import dev.jkata.ttrpc.Code;
import java.util.Map;

/**
 * What {@code static_sandbox_resource_mgmt = true} adds to {@code default_vcpus} and
 * {@code default_memory} when the VM is created, as upstream Kata sizes it: {@code ceil(quota / period)}
 * vCPUs and {@code memory / 1 MiB} (rounded down; a negative limit counts as none).
 *
 * <p>Where the numbers come from:
 * <ul>
 *   <li>a CRI sandbox container ({@code io.kubernetes.cri.container-type = sandbox}) that carries any of
 *   {@value #CPU_QUOTA}, {@value #CPU_PERIOD}, {@value #MEMORY}: those annotations (the sum of the pod's
 *   container limits, set by containerd's CRI plugin when the kubelet passes the pod's resources in
 *   {@code LinuxPodSandboxConfig.resources}; Debian 12's containerd 1.6.20 has these keys too);</li>
 *   <li>otherwise (no such annotations, or a single container from {@code ctr run}, docker, podman): the
 *   spec's own {@code linux.resources} — CPU quota/period and the memory limit. For a CRI sandbox without
 *   the annotations this is the pause container's resources, which normally set no limit, so the VM keeps
 *   its default size. (Upstream looks only at the annotations for a sandbox; this fallback only differs
 *   when the pause container itself has limits.)</li>
 * </ul>
 *
 * @param extraVcpus vCPUs to add
 * @param extraMemoryMiB MiB to add
 * @param source where the numbers came from (for logs)
 */
public record SandboxSizing(int extraVcpus, int extraMemoryMiB, String source) {

    /** containerd's CRI annotation: the pod's CFS quota (µs), the sum of its containers'. */
    public static final String CPU_QUOTA = "io.kubernetes.cri.sandbox-cpu-quota";
    /** containerd's CRI annotation: the pod's CFS period (µs). */
    public static final String CPU_PERIOD = "io.kubernetes.cri.sandbox-cpu-period";
    /** containerd's CRI annotation: the pod's memory limit (bytes). */
    public static final String MEMORY = "io.kubernetes.cri.sandbox-memory";
    /** containerd's CRI annotation naming a container's role ({@code sandbox} or {@code container}). */
    public static final String CONTAINER_TYPE = "io.kubernetes.cri.container-type";

    /** Nothing to add. */
    public static final SandboxSizing NONE = new SandboxSizing(0, 0, "none");

    private static final long MIB = 1024L * 1024;

    public SandboxSizing {
        if (extraVcpus < 0 || extraMemoryMiB < 0) {
            throw new IllegalArgumentException("sandbox sizing: negative extra vCPUs or memory");
        }
    }

    /**
     * The extra size for a sandbox whose first container has {@code spec}.
     *
     * @throws SandboxException INVALID_ARGUMENT naming the annotation when one is not an integer (or a
     *     negative period)
     */
    public static SandboxSizing of(Spec spec) throws SandboxException {
        Map<String, String> a = spec.getAnnotationsMap();
        boolean criSandbox = "sandbox".equals(a.get(CONTAINER_TYPE));
        if (criSandbox && (a.containsKey(CPU_QUOTA) || a.containsKey(CPU_PERIOD) || a.containsKey(MEMORY))) {
            long period = number(a, CPU_PERIOD);
            if (period < 0) {
                throw new SandboxException(Code.INVALID_ARGUMENT, "annotation " + CPU_PERIOD
                        + ": expected a non-negative integer (µs), got \"" + a.get(CPU_PERIOD) + "\"");
            }
            return compute(number(a, CPU_QUOTA), period, number(a, MEMORY), "CRI sandbox annotations");
        }
        if (!spec.hasLinux() || !spec.getLinux().hasResources()) {
            return NONE;
        }
        var r = spec.getLinux().getResources();
        long quota = r.hasCPU() ? r.getCPU().getQuota() : 0;
        long period = r.hasCPU() ? r.getCPU().getPeriod() : 0;
        long memory = r.hasMemory() ? r.getMemory().getLimit() : 0;
        return compute(quota, period, memory, "the container's linux.resources");
    }

    /**
     * The arithmetic: {@code ceil(quota / period)} vCPUs when both are positive, else none;
     * {@code floor(memory / MiB)} MiB when positive, else none.
     */
    static SandboxSizing compute(long quota, long period, long memoryBytes, String source) {
        long cpus = quota > 0 && period > 0 ? (quota + period - 1) / period : 0;
        long mib = memoryBytes > 0 ? memoryBytes / MIB : 0;
        return new SandboxSizing((int) Math.min(cpus, Integer.MAX_VALUE), (int) Math.min(mib, Integer.MAX_VALUE),
                source);
    }

    /** Applies the extra size to {@code config}; max vCPUs is raised to the new vCPU count if below it. */
    public SandboxConfig applyTo(SandboxConfig c) {
        if (extraVcpus == 0 && extraMemoryMiB == 0) {
            return c;
        }
        int vcpus = Math.addExact(c.vm().vcpus(), extraVcpus);
        int max = Math.max(c.vm().maxVcpus(), vcpus);
        return c.withSize(vcpus, max, Math.addExact(c.vm().memoryMiB(), extraMemoryMiB));
    }

    private static long number(Map<String, String> a, String key) throws SandboxException {
        String v = a.get(key);
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new SandboxException(Code.INVALID_ARGUMENT, "annotation " + key + ": expected an integer, got \""
                    + v + "\"", e);
        }
    }
}
