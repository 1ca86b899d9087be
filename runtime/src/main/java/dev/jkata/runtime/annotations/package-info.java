/**
 * Kata's {@code io.katacontainers.config.*} annotations applied over the configuration, with upstream's
 * guards: hypervisor annotations only when named by {@code enable_annotations}, path values only when
 * they match the {@code valid_*_paths} globs. Entry point: {@link dev.jkata.runtime.annotations.Annotations}.
 */
package dev.jkata.runtime.annotations;
