package dev.jkata.runtime.config;

import java.io.Serial;

/**
 * The one exception of the configuration area. Its message names the file, the table and key, and the
 * form that was expected, e.g. {@code /etc/kata-containers/configuration.toml: [hypervisor.qemu]
 * default_vcpus: expected an integer, got string "two"}.
 */
public final class ConfigException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
