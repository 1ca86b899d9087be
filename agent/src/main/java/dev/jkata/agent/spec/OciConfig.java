package dev.jkata.agent.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.jkata.agent.AgentException;
import dev.jkata.proto.agent.Linux;
import dev.jkata.proto.agent.LinuxDevice;
import dev.jkata.proto.agent.LinuxIDMapping;
import dev.jkata.proto.agent.LinuxNamespace;
import dev.jkata.proto.agent.LinuxResources;
import dev.jkata.proto.agent.Mount;
import dev.jkata.proto.agent.Process;
import dev.jkata.proto.agent.Spec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Turns the OCI spec the host sent (grpc.Spec) into the config.json crun runs in the guest,
 * fixed up for the guest: the cgroup goes under the agent's parent, hooks and host-only
 * labels are dropped, the container uses the guest's network namespace, namespace paths from
 * the host are not joined, and bind mounts whose source is missing in the guest are dropped.
 */
public final class OciConfig {

    private static final System.Logger LOG = System.getLogger(OciConfig.class.getName());
    private static final JsonFactory JSON = new JsonFactory();
    private static final Set<String> NAMESPACES = Set.of("pid", "network", "mount", "ipc", "uts", "user", "cgroup");

    /** The cgroup v2 parent (under /sys/fs/cgroup) of every container the agent runs. */
    public static final String CGROUP_PARENT = "/jkata";

    private OciConfig() {
    }

    /** The guest cgroup path of a container. */
    public static String cgroupsPath(String containerId) {
        return CGROUP_PARENT + "/" + containerId;
    }

    /**
     * @param exists tells whether a guest path exists (bind mount sources, device nodes)
     */
    public static byte[] configJson(Spec spec, String containerId, Predicate<String> exists) {
        String what = "container " + containerId;
        if (!spec.hasProcess()) {
            throw AgentException.invalid(what + ": the OCI spec has no process");
        }
        ProcessJson.validate(spec.getProcess(), what);
        if (!spec.hasRoot() || !spec.getRoot().getPath().startsWith("/")) {
            throw AgentException.invalid(what + ": the OCI spec's root.path must be an absolute guest path, got '"
                    + (spec.hasRoot() ? spec.getRoot().getPath() : "") + "'");
        }
        for (Mount m : spec.getMountsList()) {
            if (!m.getDestination().startsWith("/")) {
                throw AgentException.invalid(what + ": mount destination must be absolute, got '"
                        + m.getDestination() + "'");
            }
        }
        return render(g -> {
            g.writeStartObject();
            g.writeStringField("ociVersion", spec.getVersion().isEmpty() ? "1.0.2" : spec.getVersion());
            g.writeFieldName("process");
            ProcessJson.write(g, spec.getProcess());
            g.writeObjectFieldStart("root");
            g.writeStringField("path", spec.getRoot().getPath());
            g.writeBooleanField("readonly", spec.getRoot().getReadonly());
            g.writeEndObject();
            if (!spec.getHostname().isEmpty()) {
                g.writeStringField("hostname", spec.getHostname());
            }
            writeMounts(g, spec.getMountsList(), exists, containerId);
            if (spec.getAnnotationsCount() > 0) {
                g.writeObjectFieldStart("annotations");
                for (Map.Entry<String, String> e : new TreeMap<>(spec.getAnnotationsMap()).entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            writeLinux(g, spec.hasLinux() ? spec.getLinux() : Linux.getDefaultInstance(), containerId, exists);
            g.writeEndObject();
        });
    }

    /** The process.json for {@code crun exec --process}. */
    public static byte[] processJson(Process p, String what) {
        ProcessJson.validate(p, what);
        return render(g -> ProcessJson.write(g, p));
    }

    /** The resources JSON for {@code crun update --resources}. */
    public static byte[] resourcesJson(LinuxResources r) {
        return render(g -> ResourcesJson.write(g, r));
    }

    private static void writeMounts(JsonGenerator g, List<Mount> mounts, Predicate<String> exists, String cid)
            throws IOException {
        g.writeArrayFieldStart("mounts");
        for (Mount m : mounts) {
            boolean bind = m.getType().equals("bind") || m.getOptionsList().contains("bind")
                    || m.getOptionsList().contains("rbind");
            if (bind && !exists.test(m.getSource())) {
                LOG.log(System.Logger.Level.INFO, "container " + cid + ": dropping mount of " + m.getSource()
                        + " on " + m.getDestination() + ": the source does not exist in the guest");
                continue;
            }
            g.writeStartObject();
            g.writeStringField("destination", m.getDestination());
            g.writeStringField("type", m.getType().isEmpty() ? (bind ? "bind" : "none") : m.getType());
            g.writeStringField("source", m.getSource());
            ProcessJson.strings(g, "options", m.getOptionsList());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeLinux(JsonGenerator g, Linux l, String cid, Predicate<String> exists) throws IOException {
        g.writeObjectFieldStart("linux");
        idMappings(g, "uidMappings", l.getUIDMappingsList());
        idMappings(g, "gidMappings", l.getGIDMappingsList());
        if (l.getSysctlCount() > 0) {
            g.writeObjectFieldStart("sysctl");
            for (Map.Entry<String, String> e : new TreeMap<>(l.getSysctlMap()).entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
        g.writeFieldName("resources");
        ResourcesJson.write(g, l.hasResources() ? l.getResources() : LinuxResources.getDefaultInstance());
        g.writeStringField("cgroupsPath", cgroupsPath(cid));
        writeNamespaces(g, l.getNamespacesList(), l.getUIDMappingsCount() > 0);
        g.writeArrayFieldStart("devices");
        for (LinuxDevice d : l.getDevicesList()) {
            if (!exists.test(d.getPath())) {
                LOG.log(System.Logger.Level.INFO, "container " + cid + ": dropping device " + d.getPath()
                        + ": no such device in the guest");
                continue;
            }
            g.writeStartObject();
            g.writeStringField("path", d.getPath());
            g.writeStringField("type", d.getType());
            g.writeNumberField("major", d.getMajor());
            g.writeNumberField("minor", d.getMinor());
            if (d.getFileMode() != 0) {
                g.writeNumberField("fileMode", d.getFileMode());
            }
            g.writeNumberField("uid", Integer.toUnsignedLong(d.getUID()));
            g.writeNumberField("gid", Integer.toUnsignedLong(d.getGID()));
            g.writeEndObject();
        }
        g.writeEndArray();
        if (l.hasSeccomp() && !l.getSeccomp().getDefaultAction().isEmpty()) {
            SeccompJson.write(g, l.getSeccomp());
        }
        if (!l.getRootfsPropagation().isEmpty()) {
            g.writeStringField("rootfsPropagation", l.getRootfsPropagation());
        }
        ProcessJson.strings(g, "maskedPaths", l.getMaskedPathsList());
        ProcessJson.strings(g, "readonlyPaths", l.getReadonlyPathsList());
        g.writeEndObject();
    }

    /**
     * Namespaces: never the host's paths. The container shares the guest's network namespace
     * (the VM is the pod's network boundary); the others are created fresh.
     */
    private static void writeNamespaces(JsonGenerator g, List<LinuxNamespace> list, boolean userMappings)
            throws IOException {
        g.writeArrayFieldStart("namespaces");
        Set<String> seen = new java.util.HashSet<>();
        for (LinuxNamespace ns : list) {
            String type = ns.getType();
            if (!NAMESPACES.contains(type)) {
                throw AgentException.invalid("unknown namespace type '" + type + "'; expected one of " + NAMESPACES);
            }
            if (type.equals("network") || (type.equals("user") && !userMappings) || !seen.add(type)) {
                continue;
            }
            g.writeStartObject();
            g.writeStringField("type", type);
            g.writeEndObject();
        }
        if (!seen.contains("mount")) {
            g.writeStartObject();
            g.writeStringField("type", "mount");
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void idMappings(JsonGenerator g, String name, List<LinuxIDMapping> list) throws IOException {
        if (list.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart(name);
        for (LinuxIDMapping m : list) {
            g.writeStartObject();
            g.writeNumberField("containerID", Integer.toUnsignedLong(m.getContainerID()));
            g.writeNumberField("hostID", Integer.toUnsignedLong(m.getHostID()));
            g.writeNumberField("size", Integer.toUnsignedLong(m.getSize()));
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] render(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
