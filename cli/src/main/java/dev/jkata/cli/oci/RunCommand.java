package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import dev.jkata.cli.Invocation;
import java.util.List;
import java.util.Map;

/**
 * {@code run [create flags] [--detach] [--keep] ID}: create and start. In the foreground this
 * process's own stdio is the container's, it waits for the exit, deletes the container (unless
 * {@code --keep}) and exits with the container's code.
 */
final class RunCommand {

    private RunCommand() {
    }

    static int run(Invocation inv, List<String> args) throws CliException {
        Flags f = Flags.parse("run", args, Creation.FLAGS);
        String id = f.id("run");
        boolean detach = f.on("detach");
        Creation.Created c = Creation.create(inv, "run", f, id, !detach);
        try {
            Lifecycle.request(c.paths(), "start", Map.of());
        } catch (CliException e) {
            c.exitCode().ifPresent(dev.jkata.sys.Fd::close);
            Lifecycle.delete(inv, List.of("--force", id));
            throw e;
        }
        if (detach) {
            return 0;
        }
        int code = ExecCommand.readExitCode(c.exitCode().orElseThrow());
        if (!f.on("keep")) {
            Lifecycle.delete(inv, List.of("--force", id));
        }
        return code;
    }
}
