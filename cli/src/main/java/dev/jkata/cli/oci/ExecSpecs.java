package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import dev.jkata.proto.agent.Process;
import dev.jkata.proto.agent.Spec;
import dev.jkata.proto.agent.User;
import dev.jkata.runtime.oci.OciException;
import dev.jkata.runtime.oci.SpecParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The process of an {@code exec}: the {@code --process} JSON file as runc reads it, or the
 * container's own process with the given arguments, then the {@code --cwd}, {@code --env},
 * {@code --user}, {@code --tty} overrides.
 */
final class ExecSpecs {

    private ExecSpecs() {
    }

    /** Builds the process from an exec request (see {@link ExecCommand} for the fields). */
    static Process fromRequest(Spec containerSpec, Map<String, Object> request) throws CliException {
        Process.Builder p;
        Object file = request.get("processFile");
        if (file instanceof String path && !path.isEmpty()) {
            Path f = Path.of(path);
            try {
                p = SpecParser.process(f, Files.readAllBytes(f)).toBuilder();
            } catch (IOException e) {
                throw new CliException(CliException.FAILURE, "exec: reading the process file " + f + ": " + e.getMessage(), e);
            } catch (OciException e) {
                throw new CliException(CliException.FAILURE, "exec: " + e.getMessage(), e);
            }
        } else {
            List<String> args = strings(request.get("args"));
            if (args.isEmpty()) {
                throw new CliException(CliException.USAGE, "exec: give the command to run or --process FILE");
            }
            p = containerSpec.getProcess().toBuilder().clearArgs().addAllArgs(args).setTerminal(false)
                    .clearConsoleSize();
        }
        if (request.get("tty") instanceof Boolean tty && tty) {
            p.setTerminal(true);
        }
        if (request.get("cwd") instanceof String cwd && !cwd.isEmpty()) {
            p.setCwd(cwd);
        }
        p.addAllEnv(strings(request.get("env")));
        if (request.get("user") instanceof String user && !user.isEmpty()) {
            p.setUser(user(user, p.getUser()));
        }
        for (String g : strings(request.get("additionalGids"))) {
            p.setUser(p.getUser().toBuilder().addAdditionalGids(uint(g, "--additional-gids")));
        }
        if (p.getCwd().isEmpty()) {
            p.setCwd("/");
        }
        return p.build();
    }

    /** "uid" or "uid:gid" as runc's {@code --user}. */
    static User user(String text, User base) throws CliException {
        String[] parts = text.split(":", 2);
        User.Builder u = base.toBuilder().setUID(uint(parts[0], "--user")).setUsername("");
        if (parts.length == 2) {
            u.setGID(uint(parts[1], "--user"));
        }
        return u.build();
    }

    private static int uint(String s, String flag) throws CliException {
        try {
            long v = Long.parseLong(s.trim());
            if (v < 0 || v > 0xffffffffL) {
                throw new NumberFormatException();
            }
            return (int) v;
        } catch (NumberFormatException e) {
            throw new CliException(CliException.USAGE, "exec: " + flag + ": expected a numeric id (uid[:gid]), got \""
                    + s + "\"");
        }
    }

    static List<String> strings(Object o) {
        if (o instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return List.of();
    }
}
