package dev.jkata.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * An AOT training run of {@code kata-runtime}: a JDK AOT cache records what one JVM loaded and
 * profiled, but the launcher runs one verb per JVM. With {@code JKATA_AOT_TRAINING_SCRIPT=FILE}
 * (set only by scripts/train-aot.sh, together with the launcher's {@code JKATA_AOT_OUTPUT}) this JVM
 * runs every line of FILE as one kata-runtime command line (whitespace-separated arguments; blank
 * lines and lines starting with {@code #} are skipped), one after the other, so the cache covers
 * all of the hot verbs. The status of each command is printed on stderr; the run's status is 0
 * unless the script cannot be read.
 */
public final class TrainingRun {
    public static final String SCRIPT_ENV = "JKATA_AOT_TRAINING_SCRIPT";

    private TrainingRun() {
    }

    /** Parses a training script's text into command lines. */
    public static List<String[]> parse(String text) {
        List<String[]> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            out.add(l.split("\\s+"));
        }
        return out;
    }

    /** Runs every command of {@code script} with a fresh Cli from {@code clis}; returns the exit status. */
    public static int run(Path script, Supplier<Cli> clis, PrintStream out, PrintStream err) {
        String text;
        try {
            text = Files.readString(script, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("kata-runtime: cannot read the AOT training script " + script + " (" + SCRIPT_ENV + "): " + e);
            return CliException.FAILURE;
        }
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        for (String[] argv : parse(text)) {
            int rc = clis.get().run(argv, quiet, quiet);
            err.println("training: kata-runtime " + String.join(" ", argv) + " -> " + rc);
        }
        return 0;
    }
}
