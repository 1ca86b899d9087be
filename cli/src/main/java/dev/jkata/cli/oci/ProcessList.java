package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import dev.jkata.runtime.sandbox.Container;
import dev.jkata.runtime.sandbox.ContainerProcess;
import dev.jkata.runtime.sandbox.ExitStatus;
import dev.jkata.runtime.sandbox.SandboxException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code ps} in table form: the container's own processes as the guest sees them, listed by
 * {@code ps(1)} run inside the container (with the verb's ps options, {@code -ef} by default as
 * runc) — what podman's {@code top} does itself when given ps(1) options. Upstream Kata lists them
 * through the agent's ListProcesses RPC, which this agent does not have; the container's image
 * must have a {@code ps} (busybox's will do). The {@code ps} process itself is left out of the
 * listing.
 */
final class ProcessList {

    static final List<String> DEFAULT_ARGS = List.of("-ef");
    private static final long TIMEOUT_SECONDS = 60;

    private ProcessList() {
    }

    /** The output of {@code ps ARGS} in the container, without the ps process's own line. */
    static String inContainer(Container container, List<String> psArgs) throws CliException, SandboxException {
        List<String> argv = new ArrayList<>(List.of("ps"));
        argv.addAll(psArgs.isEmpty() ? DEFAULT_ARGS : psArgs);
        var process = container.bundle().spec().getProcess().toBuilder().clearArgs().addAllArgs(argv)
                .setTerminal(false).clearConsoleSize().setCwd("/").build();
        String execId = "ps-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        ContainerProcess p;
        try {
            p = container.exec(execId, process);
        } catch (SandboxException e) {
            throw new CliException(CliException.FAILURE, "ps: running " + String.join(" ", argv) + " in container "
                    + container.id() + " (its image needs a ps): " + e.getMessage(), e);
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread o = Thread.ofVirtual().start(() -> copy(p.stdout(), out));
            Thread e = Thread.ofVirtual().start(() -> copy(p.stderr(), err));
            ExitStatus status;
            try {
                status = p.exited().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                o.join(TimeUnit.SECONDS.toMillis(5));
                e.join(TimeUnit.SECONDS.toMillis(5));
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException ex) {
                throw new CliException(CliException.FAILURE, "ps: " + String.join(" ", argv) + " in container "
                        + container.id() + " did not finish within " + TIMEOUT_SECONDS + " s", ex);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new CliException(CliException.FAILURE, "ps: interrupted", ex);
            }
            String stdout = text(out);
            if (status.code() != 0) {
                throw new CliException(CliException.FAILURE, "ps: " + String.join(" ", argv) + " in container "
                        + container.id() + " exited with " + status.code() + ": " + text(err).strip());
            }
            return withoutSelf(stdout, argv);
        } finally {
            container.forgetExec(execId);
        }
    }

    /** Drops the lines of the listing that show the ps command itself. */
    static String withoutSelf(String listing, List<String> argv) {
        String self = String.join(" ", argv);
        StringBuilder sb = new StringBuilder();
        for (String line : listing.split("\n", -1)) {
            if (!line.stripTrailing().endsWith(self)) {
                sb.append(line).append('\n');
            }
        }
        String s = sb.toString();
        return s.endsWith("\n\n") ? s.substring(0, s.length() - 1) : s;
    }

    private static void copy(InputStream in, ByteArrayOutputStream into) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (into) {
                    into.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // the process is gone; keep what came
        }
    }

    private static String text(ByteArrayOutputStream b) {
        synchronized (b) {
            return b.toString(StandardCharsets.UTF_8);
        }
    }
}
