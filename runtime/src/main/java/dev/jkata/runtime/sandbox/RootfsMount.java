package dev.jkata.runtime.sandbox;

import java.util.List;
import java.util.Objects;

/**
 * One mount that makes up a container's root filesystem, as containerd passes it in its Create
 * request ({@code type: overlay, source: overlay, options: [lowerdir=…, upperdir=…, workdir=…]} or
 * {@code type: bind, source: /path, options: [rbind, rw]}).
 */
public record RootfsMount(String type, String source, List<String> options) {
    public RootfsMount {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        options = options == null ? List.of() : List.copyOf(options);
    }
}
