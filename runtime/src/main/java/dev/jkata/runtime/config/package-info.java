/**
 * Kata's configuration file: lookup order, {@code config.d} drop-ins, TOML parsing into typed records
 * ({@link dev.jkata.runtime.config.KataConfig}) and the mapping to a
 * {@link dev.jkata.hypervisor.VmConfig}. Entry point: {@link dev.jkata.runtime.config.ConfigLoader}.
 */
package dev.jkata.runtime.config;
