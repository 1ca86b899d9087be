package dev.jkata.runtime.sandbox;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A stack of undo steps: each step of a multi-step operation registers how to revert itself, and
 * a failure (or the later tear-down) runs them in reverse order. Not thread-safe; owned by one
 * operation or guarded by its owner.
 */
final class Undo {

    private static final System.Logger LOG = System.getLogger(Undo.class.getName());

    /** One step's revert action. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    private record Entry(String name, Step step) {
    }

    private final Deque<Entry> steps = new ArrayDeque<>();

    /** Registers how to revert a step that just succeeded. */
    void push(String name, Step step) {
        steps.push(new Entry(name, step));
    }

    boolean isEmpty() {
        return steps.isEmpty();
    }

    /**
     * Runs every registered step, newest first, and forgets them. Failures are logged and added as
     * suppressed exceptions to {@code failure} when given.
     *
     * @return the names of the steps that failed
     */
    List<String> run(Throwable failure) {
        List<String> failed = new ArrayList<>();
        while (!steps.isEmpty()) {
            Entry e = steps.pop();
            try {
                e.step().run();
            } catch (Exception ex) {
                failed.add(e.name() + ": " + ex.getMessage());
                LOG.log(System.Logger.Level.WARNING, "undo step \"" + e.name() + "\" failed: " + ex, ex);
                if (failure != null) {
                    failure.addSuppressed(ex);
                }
            }
        }
        return failed;
    }
}
