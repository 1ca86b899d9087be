package dev.jkata.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code agent.*} kernel parameters the agent honours, as upstream Kata names them.
 *
 * @param logLevel          {@code agent.log}: trace, debug, info, warn, error (default info)
 * @param debugConsole      {@code agent.debug_console}: spawn a shell on the console
 * @param logVport          {@code agent.log_vport}: vsock port for logs, 0 = stderr
 * @param containerPipeSize {@code agent.container_pipe_size}: bytes, 0 = kernel default
 * @param unknown           agent.* parameters we do not know, to be logged
 */
public record AgentOptions(System.Logger.Level logLevel, boolean debugConsole, int logVport,
        int containerPipeSize, List<String> unknown) {

    public AgentOptions {
        unknown = List.copyOf(unknown);
    }

    public static AgentOptions defaults() {
        return new AgentOptions(System.Logger.Level.INFO, false, 0, 0, List.of());
    }

    /** Parses a kernel command line (the text of /proc/cmdline). */
    public static AgentOptions parse(String cmdline) {
        System.Logger.Level level = System.Logger.Level.INFO;
        boolean console = false;
        int vport = 0;
        int pipe = 0;
        List<String> unknown = new ArrayList<>();
        for (String word : cmdline.trim().split("\\s+")) {
            if (!word.startsWith("agent.")) {
                continue;
            }
            int eq = word.indexOf('=');
            String key = eq < 0 ? word : word.substring(0, eq);
            String value = eq < 0 ? null : word.substring(eq + 1);
            switch (key) {
                case "agent.log" -> level = level(value);
                case "agent.debug_console" -> console = value == null || value.equals("1") || value.equalsIgnoreCase("true");
                case "agent.log_vport" -> vport = number(key, value);
                case "agent.container_pipe_size" -> pipe = number(key, value);
                default -> unknown.add(word);
            }
        }
        return new AgentOptions(level, console, vport, pipe, unknown);
    }

    private static System.Logger.Level level(String value) {
        if (value == null) {
            throw AgentException.invalid("agent.log needs a value: trace, debug, info, warn or error");
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "trace" -> System.Logger.Level.TRACE;
            case "debug" -> System.Logger.Level.DEBUG;
            case "info" -> System.Logger.Level.INFO;
            case "warn", "warning" -> System.Logger.Level.WARNING;
            case "error", "critical", "fatal", "panic" -> System.Logger.Level.ERROR;
            default -> throw AgentException.invalid("agent.log=" + value
                    + ": expected trace, debug, info, warn or error");
        };
    }

    private static int number(String key, String value) {
        if (value == null) {
            throw AgentException.invalid(key + " needs a numeric value");
        }
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw AgentException.invalid(key + "=" + value + ": expected a non-negative integer");
        }
    }
}
