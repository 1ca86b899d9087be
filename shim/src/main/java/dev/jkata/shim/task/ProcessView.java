package dev.jkata.shim.task;

import java.nio.file.Path;

/** A snapshot of one process for the State RPC. {@code exit} is null unless stopped. */
public record ProcessView(String containerId, String execId, Path bundle, int pid, ProcessState state,
                          Stdio stdio, ExitStatus exit) {}
