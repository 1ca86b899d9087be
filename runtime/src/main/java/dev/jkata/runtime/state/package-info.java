/**
 * The versioned per-sandbox record ({@code <stateDir>/state.json},
 * {@link dev.jkata.runtime.state.SandboxState}) and {@link dev.jkata.runtime.state.SandboxCleaner},
 * which tears a sandbox down from that record alone when its owner process is gone.
 */
package dev.jkata.runtime.state;
