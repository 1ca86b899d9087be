package dev.jkata.tests.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test must undo, undone in reverse order of registration by {@link #close()} (call it from
 * {@code @AfterEach}). A failing step is printed and the rest still run.
 */
public final class Cleanups implements AutoCloseable {

    private final List<AutoCloseable> steps = new ArrayList<>();

    /** Registers {@code step}; returns nothing so a lambda reads as one line at the call site. */
    public void add(AutoCloseable step) {
        steps.add(step);
    }

    @Override
    public void close() {
        for (AutoCloseable c : steps.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("clean-up: " + e);
            }
        }
        steps.clear();
    }
}
