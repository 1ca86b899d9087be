package dev.jkata.cli;

import java.io.PrintStream;

/** Everything a verb needs: global options, the host facts, the config source and the output streams. */
public record Invocation(Globals globals, Host host, ConfigSource configs, PrintStream out, PrintStream err) {
}
