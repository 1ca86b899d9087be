package dev.jkata.cli;

import dev.jkata.runtime.config.ConfigException;
import dev.jkata.runtime.config.LoadedConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Loads the configuration (the runtime's ConfigLoader in production, fixed values in tests). */
public interface ConfigSource {
    /** {@code explicit} is {@code --config}; {@code env} supplies KATA_CONF_FILE. */
    LoadedConfig load(Optional<Path> explicit, Map<String, String> env) throws ConfigException;

    /** The files tried in order when neither --config nor KATA_CONF_FILE is given. */
    List<Path> defaultPaths();
}
