package dev.jkata.hypervisor.qemu;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Small helpers for the child processes we start (QEMU, virtiofsd) and their logs. */
final class Processes {

    private Processes() {
    }

    /** The last {@code maxBytes} of a log file, for error messages; empty when unreadable. */
    static String tail(Path log, int maxBytes) {
        if (!Files.isRegularFile(log)) {
            return "";
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            long from = Math.max(0, len - maxBytes);
            byte[] bytes = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGTERM, then SIGKILL when the process is still alive after {@code grace}; waits for its end. */
    static void terminate(Process p, Duration grace) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        if (!waitFor(p, grace)) {
            kill(p);
        }
    }

    /** SIGKILL and wait (bounded) for the process to be reaped. */
    static void kill(Process p) {
        p.destroyForcibly();
        waitFor(p, Duration.ofSeconds(5));
    }

    static boolean waitFor(Process p, Duration d) {
        try {
            return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    /** Sleeps a little while polling; false when interrupted. */
    static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
