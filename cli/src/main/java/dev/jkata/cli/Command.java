package dev.jkata.cli;

import java.util.List;

/** One kata-runtime verb. Returns the exit status; throws {@link CliException} for errors. */
@FunctionalInterface
public interface Command {
    int run(Invocation inv, List<String> args) throws CliException;
}
