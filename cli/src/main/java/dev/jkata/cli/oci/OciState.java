package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A container's OCI state as the verbs report it and as {@code <root>/<id>/state.json} keeps it.
 *
 * @param id container id
 * @param status created, running, paused or stopped
 * @param pid the host pid that stands for the container's process (the pid-file process); 0 before it exists
 * @param bundle the bundle directory
 * @param rootfs the host rootfs
 * @param created creation time, RFC 3339
 * @param annotations the spec's annotations
 * @param exitCode the init process's exit code once stopped, else -1
 * @param daemonPid the sandbox daemon's pid (0 when none)
 */
record OciState(String id, String status, long pid, String bundle, String rootfs, String created,
        Map<String, String> annotations, int exitCode, long daemonPid) {

    static final String OCI_VERSION = "1.0.2";

    OciState {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    OciState withStatus(String newStatus) {
        return new OciState(id, newStatus, pid, bundle, rootfs, created, annotations, exitCode, daemonPid);
    }

    OciState withPid(long newPid) {
        return new OciState(id, status, newPid, bundle, rootfs, created, annotations, exitCode, daemonPid);
    }

    OciState withDaemonPid(long newDaemonPid) {
        return new OciState(id, status, pid, bundle, rootfs, created, annotations, exitCode, newDaemonPid);
    }

    OciState stopped(int code) {
        return new OciState(id, "stopped", pid, bundle, rootfs, created, annotations, code, daemonPid);
    }

    /** The OCI runtime-spec state object (what {@code state} prints; pid 0 once stopped, as runc). */
    Map<String, Object> ociJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ociVersion", OCI_VERSION);
        m.put("id", id);
        m.put("pid", status.equals("stopped") ? 0L : pid);
        m.put("status", status);
        m.put("bundle", bundle);
        m.put("rootfs", rootfs);
        m.put("created", created);
        if (!annotations.isEmpty()) {
            m.put("annotations", new TreeMap<>(annotations));
        }
        m.put("owner", "");
        return m;
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = ociJson();
        m.put("pid", pid);
        m.put("exitCode", (long) exitCode);
        m.put("daemonPid", daemonPid);
        return m;
    }

    @SuppressWarnings("unchecked")
    static OciState fromJson(Map<String, Object> m, String what) throws CliException {
        try {
            Map<String, String> ann = new LinkedHashMap<>();
            Object a = m.get("annotations");
            if (a instanceof Map<?, ?> am) {
                for (Map.Entry<?, ?> e : am.entrySet()) {
                    ann.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
                }
            }
            return new OciState((String) m.get("id"), (String) m.get("status"), num(m.get("pid")),
                    (String) m.get("bundle"), (String) m.getOrDefault("rootfs", ""), (String) m.get("created"), ann,
                    (int) num(m.getOrDefault("exitCode", -1L)), num(m.getOrDefault("daemonPid", 0L)));
        } catch (ClassCastException | NullPointerException e) {
            throw new CliException(CliException.FAILURE, what + ": not a container state record: " + e.getMessage(), e);
        }
    }

    private static long num(Object o) {
        return ((Number) o).longValue();
    }

    /** Writes the record atomically (temporary file, then rename). */
    void save(Path file) throws CliException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, JsonText.pretty(toJson()) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, "writing " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a record; {@link CliException} "container does not exist" when the file is missing. */
    static OciState load(Path file, String id) throws CliException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CliException(CliException.FAILURE, "container \"" + id + "\" does not exist", e);
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, "reading " + file + ": " + e.getMessage(), e);
        }
        return fromJson(JsonText.parseObject(text, file.toString()), file.toString());
    }
}
