package dev.jkata.runtime.oci;

import dev.jkata.proto.agent.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * An OCI bundle on the host: its directory, the parsed {@code config.json} and the raw annotations.
 *
 * @param dir the bundle directory
 * @param spec config.json as the agent API's Spec (paths still host paths)
 * @param annotations the spec's annotations, unchanged
 */
public record OciBundle(Path dir, Spec spec, Map<String, String> annotations) {

    public static final String CONFIG_FILE = "config.json";

    public OciBundle {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(spec, "spec");
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /**
     * Reads {@code <dir>/config.json}.
     *
     * @throws OciException naming the file when it is missing, unreadable or malformed (with line and
     *     column for JSON syntax errors, the JSON path for type errors)
     */
    public static OciBundle load(Path dir) throws OciException {
        Path file = dir.resolve(CONFIG_FILE);
        byte[] text;
        try {
            text = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new OciException(file + ": no such file (expected the OCI bundle's config.json)", e);
        } catch (IOException e) {
            throw new OciException(file + ": cannot read: " + e.getMessage(), e);
        }
        Spec spec = SpecParser.parse(file, text);
        return new OciBundle(dir, spec, spec.getAnnotationsMap());
    }

    /**
     * The host path of the bundle's root filesystem: {@code root.path} resolved against the bundle
     * directory (default {@code rootfs}).
     */
    public Path rootfs() {
        String path = spec.hasRoot() ? spec.getRoot().getPath() : "";
        return dir.resolve(path.isEmpty() ? "rootfs" : path).normalize();
    }
}
