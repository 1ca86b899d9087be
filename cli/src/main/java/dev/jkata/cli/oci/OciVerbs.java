package dev.jkata.cli.oci;

import dev.jkata.cli.Cli;
import dev.jkata.cli.CliException;
import dev.jkata.cli.Command;
import dev.jkata.cli.Invocation;
import java.util.List;

/**
 * The OCI runtime verbs of {@code kata-runtime} (runc's command line, so podman, Docker 20.10's
 * containerd-shim-runc-v2 and anything else that drives runc can drive jkata). Each verb's errors
 * also go to {@code --log} in the requested format.
 */
public final class OciVerbs {

    private OciVerbs() {
    }

    /** Registers create, start, state, kill, delete, exec, run, ps, list, pause, resume, update, events, spec, features. */
    public static Cli register(Cli cli) {
        cli.register("create", logged("create", (inv, args) -> {
            Flags f = Flags.parse("create", args, Creation.FLAGS);
            Creation.create(inv, "create", f, f.id("create"), false);
            return 0;
        }));
        cli.register("start", logged("start", Lifecycle::start));
        cli.register("state", logged("state", Lifecycle::state));
        cli.register("kill", logged("kill", Lifecycle::kill));
        cli.register("delete", logged("delete", Lifecycle::delete));
        cli.register("pause", logged("pause", Lifecycle::pause));
        cli.register("resume", logged("resume", Lifecycle::resume));
        cli.register("exec", logged("exec", ExecCommand::run));
        cli.register("run", logged("run", RunCommand::run));
        cli.register("ps", logged("ps", Queries::ps));
        cli.register("list", logged("list", Queries::list));
        cli.register("events", logged("events", Queries::events));
        cli.register("update", logged("update", Queries::update));
        cli.register("spec", logged("spec", SpecCommand::spec));
        cli.register("features", logged("features", SpecCommand::features));
        cli.register(OciDaemon.VERB, (inv, args) -> OciDaemon.run(inv.globals(), args));
        return cli;
    }

    private static Command logged(String verb, Command c) {
        return (Invocation inv, List<String> args) -> {
            OciLog log = OciLog.of(inv.globals());
            log.debug(verb + " " + String.join(" ", args));
            try {
                return c.run(inv, args);
            } catch (CliException e) {
                log.error(e.getMessage());
                throw e;
            }
        };
    }
}
