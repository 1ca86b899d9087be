package dev.jkata.cli;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Global options, given before the verb (same names as upstream kata-runtime; docker and podman pass
 * {@code --root}, {@code --log}, {@code --log-format} and {@code --systemd-cgroup} for the OCI verbs).
 *
 * @param config      {@code --config PATH}: the configuration file, overriding KATA_CONF_FILE and the defaults
 * @param debug       {@code --debug}
 * @param log         {@code --log PATH}: where OCI verbs write their log
 * @param logFormat   {@code --log-format text|json}
 * @param root        {@code --root DIR}: state directory of the OCI verbs
 * @param systemdCgroup {@code --systemd-cgroup}
 * @param rootless    {@code --rootless VALUE}
 */
public record Globals(Optional<Path> config, boolean debug, Optional<Path> log, String logFormat,
        Optional<Path> root, boolean systemdCgroup, Optional<String> rootless) {
    public static final Globals NONE = new Globals(Optional.empty(), false, Optional.empty(), "text",
            Optional.empty(), false, Optional.empty());
}
