package dev.jkata.shim.task;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A process's stdio as the backend exposes it. Any of them may be null when the process has none
 * (stderr is null with a terminal). Closing {@code stdin} does not close the guest's stdin; the task
 * service calls {@link SandboxBackend#closeStdin} for that.
 */
public record ProcessStreams(OutputStream stdin, InputStream stdout, InputStream stderr) {}
