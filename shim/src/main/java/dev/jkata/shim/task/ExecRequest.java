package dev.jkata.shim.task;

/** An extra process to run in a container; {@code processJson} is the OCI Process as containerd sends it. */
public record ExecRequest(String execId, Stdio stdio, byte[] processJson) {}
