package dev.jkata.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * The agent's System.Logger backend: one line per record on stderr (the guest console), at the
 * level of {@code agent.log} on the kernel command line. Much cheaper to start than
 * java.util.logging, which matters in a guest where every class costs.
 */
public final class ConsoleLoggerFinder extends System.LoggerFinder {

    private final System.Logger.Level level;
    private final PrintStream out = System.err;

    public ConsoleLoggerFinder() {
        this(levelFromCmdline(Path.of("/proc/cmdline")));
    }

    ConsoleLoggerFinder(System.Logger.Level level) {
        this.level = level;
    }

    /** agent.log from the kernel command line; INFO when absent or unreadable. */
    static System.Logger.Level levelFromCmdline(Path cmdline) {
        try {
            return AgentOptions.parse(Files.readString(cmdline)).logLevel();
        } catch (IOException | RuntimeException e) {
            return System.Logger.Level.INFO;
        }
    }

    /**
     * Our loggers get the configured level; the JDK's and libraries' ones never go below INFO
     * (the JDK logs every process start at DEBUG with a stack trace).
     */
    @Override
    public System.Logger getLogger(String name, Module module) {
        boolean ours = name.startsWith("dev.jkata.");
        boolean verbose = level.getSeverity() < System.Logger.Level.INFO.getSeverity();
        return new ConsoleLogger(name, ours || !verbose ? level : System.Logger.Level.INFO, out, verbose);
    }

    /**
     * @param stamped prefix each message with the seconds since boot (CLOCK_MONOTONIC, what the
     *     guest's uptime counts), so that a debug log is a timeline
     */
    record ConsoleLogger(String name, Level threshold, PrintStream out, boolean stamped) implements System.Logger {

        ConsoleLogger(String name, Level threshold, PrintStream out) {
            this(name, threshold, out, false);
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level l) {
            return l != Level.OFF && l.getSeverity() >= threshold.getSeverity();
        }

        @Override
        public void log(Level l, ResourceBundle bundle, String msg, Throwable thrown) {
            if (!isLoggable(l)) {
                return;
            }
            String stamp = stamped ? uptimeStamp(System.nanoTime()) : "";
            synchronized (out) {
                out.println("kata-agent " + l.getName() + " " + shortName() + ": " + stamp + msg);
                if (thrown != null) {
                    thrown.printStackTrace(out);
                }
            }
        }

        @Override
        public void log(Level l, ResourceBundle bundle, String format, Object... params) {
            if (!isLoggable(l)) {
                return;
            }
            String msg = params == null || params.length == 0 ? format : MessageFormat.format(format, params);
            log(l, bundle, msg, (Throwable) null);
        }

        /** "[12.345] " for a monotonic time in nanoseconds (no Formatter: it costs class loading). */
        static String uptimeStamp(long nanos) {
            long ms = nanos / 1_000_000;
            long frac = ms % 1000;
            return "[" + ms / 1000 + "." + (frac < 100 ? (frac < 10 ? "00" : "0") : "") + frac + "] ";
        }

        private String shortName() {
            int dot = name.lastIndexOf('.');
            return dot < 0 ? name : name.substring(dot + 1);
        }
    }
}
