package dev.jkata.runtime.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A loaded configuration and where it came from.
 *
 * @param file the main configuration file
 * @param dropIns the {@code config.d/*.toml} files merged over it, in the order applied
 * @param config the typed result
 * @param ignoredKeys keys present in the files that jkata does not use ({@code [table] key}), each logged once
 */
public record LoadedConfig(Path file, List<Path> dropIns, KataConfig config, List<String> ignoredKeys) {

    public LoadedConfig {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(config, "config");
        dropIns = List.copyOf(dropIns);
        ignoredKeys = List.copyOf(ignoredKeys);
    }

    public LoadedConfig(Path file, List<Path> dropIns, KataConfig config) {
        this(file, dropIns, config, List.of());
    }
}
