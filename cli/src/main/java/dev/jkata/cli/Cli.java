package dev.jkata.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * kata-runtime's command line: global options, then a verb looked up in the dispatch table, then the verb's
 * own arguments. Options may be spelled {@code -name} or {@code --name}, with the value as the next
 * argument or after {@code =} (as upstream's CLI library accepts).
 */
public final class Cli {
    static final String USAGE = """
            usage: kata-runtime [global options] COMMAND [arguments]
            commands:
              check, kata-check     check that this host can run containers in VMs
              env, kata-env         show the effective configuration and host settings (--json)
              version               show the version (same as --version)
              help                  show this help
            global options:
              --config PATH, --kata-config PATH   configuration file (else KATA_CONF_FILE, else the defaults)
              --show-default-config-paths         print the configuration files tried, in order
              --debug                             debug logging
              --log PATH, --log-format text|json  log destination and format (OCI commands)
              --root DIR                          state directory (OCI commands)
              --systemd-cgroup, --rootless VALUE  accepted for OCI runtime compatibility
              --version, -v                       show the version
              --help, -h                          show this help
            """;

    private static final java.util.Set<String> BUILT_IN =
            java.util.Set.of("check", "kata-check", "env", "kata-env", "version", "help");
    private final Map<String, Command> commands = new LinkedHashMap<>();
    private final Host host;
    private final ConfigSource configs;

    public Cli(Host host, ConfigSource configs) {
        this.host = host;
        this.configs = configs;
        Command check = new CheckCommand();
        Command env = new EnvCommand();
        Command version = (inv, args) -> {
            inv.out().print(VersionInfo.load().text());
            return 0;
        };
        commands.put("check", check);
        commands.put("kata-check", check);
        commands.put("env", env);
        commands.put("kata-env", env);
        commands.put("version", version);
        commands.put("help", (inv, args) -> {
            inv.out().print(usage());
            return 0;
        });
    }

    /** Adds a verb (the OCI verbs create/start/state/kill/delete/exec/... register here). */
    public Cli register(String name, Command command) {
        commands.put(name, command);
        return this;
    }

    /**
     * The usage text, naming the registered verbs beyond the built-in ones; internal verbs (a name that
     * starts with "_" or ends with "-daemon") stay unlisted.
     */
    String usage() {
        List<String> more = new ArrayList<>();
        for (String name : commands.keySet()) {
            if (!BUILT_IN.contains(name) && !name.startsWith("_") && !name.endsWith("-daemon")) {
                more.add(name);
            }
        }
        if (more.isEmpty()) {
            return USAGE;
        }
        StringBuilder verbs = new StringBuilder();
        StringBuilder line = new StringBuilder("  ");
        for (int i = 0; i < more.size(); i++) {
            String word = more.get(i) + (i + 1 < more.size() ? "," : "");
            if (line.length() + word.length() + 1 > 74) {
                verbs.append(line.toString().stripTrailing()).append('\n');
                line = new StringBuilder("  ");
            }
            line.append(word).append(' ');
        }
        verbs.append(line.toString().stripTrailing()).append('\n');
        return USAGE.replace("  help                  show this help\n", verbs
                + "                        OCI runtime verbs with runc's flags (docs/oci-cli.md)\n"
                + "  help                  show this help\n");
    }

    /** Runs the command line; returns the exit status. */
    public int run(String[] argv, java.io.PrintStream out, java.io.PrintStream err) {
        try {
            return dispatch(List.of(argv), out, err);
        } catch (CliException e) {
            err.println("kata-runtime: " + e.getMessage());
            if (e.status() == CliException.USAGE && !e.getMessage().contains("usage:")) {
                err.print(usage());
            }
            return e.status();
        }
    }

    private int dispatch(List<String> argv, java.io.PrintStream out, java.io.PrintStream err) throws CliException {
        Optional<Path> config = Optional.empty();
        boolean debug = false;
        Optional<Path> log = Optional.empty();
        String logFormat = "text";
        Optional<Path> root = Optional.empty();
        boolean systemdCgroup = false;
        Optional<String> rootless = Optional.empty();
        int i = 0;
        for (; i < argv.size(); i++) {
            String a = argv.get(i);
            if (!a.startsWith("-") || a.equals("-")) {
                break;
            }
            String name = flagName(a);
            switch (name) {
                case "config", "kata-config" -> config = Optional.of(Path.of(value(argv, i, a)));
                case "log" -> log = Optional.of(Path.of(value(argv, i, a)));
                case "log-format" -> {
                    logFormat = value(argv, i, a);
                    if (!logFormat.equals("text") && !logFormat.equals("json")) {
                        throw CliException.usage("--log-format: expected text or json, got \"" + logFormat + "\"");
                    }
                }
                case "root" -> root = Optional.of(Path.of(value(argv, i, a)));
                case "rootless" -> rootless = Optional.of(value(argv, i, a));
                case "debug" -> debug = true;
                case "systemd-cgroup" -> systemdCgroup = true;
                case "version", "v" -> {
                    out.print(VersionInfo.load().text());
                    return 0;
                }
                case "help", "h" -> {
                    out.print(usage());
                    return 0;
                }
                case "show-default-config-paths" -> {
                    for (Path p : configs.defaultPaths()) {
                        out.println(p);
                    }
                    return 0;
                }
                default -> throw CliException.usage("unknown global option \"" + a + "\"");
            }
            if (!a.contains("=") && takesValue(name)) {
                i++;
            }
        }
        if (i >= argv.size()) {
            throw CliException.usage("missing command");
        }
        String verb = argv.get(i);
        Command cmd = commands.get(verb);
        if (cmd == null) {
            throw CliException.usage("unknown command \"" + verb + "\"");
        }
        Globals g = new Globals(config, debug, log, logFormat, root, systemdCgroup, rootless);
        return cmd.run(new Invocation(g, host, configs, out, err), new ArrayList<>(argv.subList(i + 1, argv.size())));
    }

    private static boolean takesValue(String name) {
        return switch (name) {
            case "config", "kata-config", "log", "log-format", "root", "rootless" -> true;
            default -> false;
        };
    }

    private static String value(List<String> argv, int i, String arg) throws CliException {
        int eq = arg.indexOf('=');
        if (eq >= 0) {
            return arg.substring(eq + 1);
        }
        if (i + 1 >= argv.size()) {
            throw CliException.usage(arg + " needs a value");
        }
        return argv.get(i + 1);
    }

    /** "--name=value", "-name" or "--name" → "name"; a non-option → itself. */
    static String flagName(String arg) {
        String s = arg.startsWith("--") ? arg.substring(2) : arg.startsWith("-") ? arg.substring(1) : arg;
        int eq = s.indexOf('=');
        return eq >= 0 ? s.substring(0, eq) : s;
    }
}
