package dev.jkata.cli;

import dev.jkata.runtime.config.ConfigException;
import dev.jkata.runtime.config.ConfigLoader;
import dev.jkata.runtime.config.LoadedConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The runtime's ConfigLoader: --config, then KATA_CONF_FILE, then the default search paths. */
public record LoaderConfigSource(List<Path> searchPaths) implements ConfigSource {
    public LoaderConfigSource() {
        this(ConfigLoader.DEFAULT_SEARCH_PATHS);
    }

    public LoaderConfigSource {
        searchPaths = List.copyOf(searchPaths);
    }

    @Override
    public LoadedConfig load(Optional<Path> explicit, Map<String, String> env) throws ConfigException {
        return ConfigLoader.load(explicit, env, searchPaths);
    }

    @Override
    public List<Path> defaultPaths() {
        return searchPaths;
    }
}
