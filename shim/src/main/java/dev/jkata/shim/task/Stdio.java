package dev.jkata.shim.task;

/** The stdio fifo paths containerd gives for a process (empty = none) and whether it has a terminal. */
public record Stdio(String stdin, String stdout, String stderr, boolean terminal) {
    public Stdio {
        stdin = stdin == null ? "" : stdin;
        stdout = stdout == null ? "" : stdout;
        stderr = stderr == null ? "" : stderr;
    }

    public static Stdio none() {
        return new Stdio("", "", "", false);
    }
}
