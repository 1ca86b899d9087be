package dev.jkata.osbuilder;

import java.io.PrintStream;

/** Progress output of a build: numbered steps with their duration, and detail lines. */
public final class Progress {
    private final PrintStream out;
    private final int steps;
    private final long start = System.nanoTime();
    private int step;
    private long stepStart;
    private String stepName;

    public Progress(PrintStream out, int steps) {
        this.out = out;
        this.steps = steps;
    }

    /** Starts the next step (ending the current one). */
    public void step(String name) {
        endStep();
        step++;
        stepName = name;
        stepStart = System.nanoTime();
        out.printf("[%d/%d] %s%n", step, steps, name);
        out.flush();
    }

    public void detail(String line) {
        out.println("      " + line);
        out.flush();
    }

    /** Ends the current step and prints the total time. */
    public void done(String summary) {
        endStep();
        out.printf("done in %.1f s: %s%n", (System.nanoTime() - start) / 1e9, summary);
        out.flush();
    }

    private void endStep() {
        if (stepName != null) {
            out.printf("      (%s: %.1f s)%n", stepName, (System.nanoTime() - stepStart) / 1e9);
            stepName = null;
        }
    }
}
