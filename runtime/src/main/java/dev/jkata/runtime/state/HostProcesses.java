package dev.jkata.runtime.state;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finding and killing the host helper processes of a sandbox (QEMU, virtiofsd) by pid. */
public final class HostProcesses {

    private static final System.Logger LOG = System.getLogger(HostProcesses.class.getName());

    private HostProcesses() {
    }

    /** The command line of a live process, or empty when it is gone or unreadable. */
    public static Optional<String> commandLine(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().commandLine());
    }

    /**
     * Live processes (other than this one) whose command line contains {@code needle} — used to
     * find the VMM and virtiofsd of a sandbox by its state directory path.
     */
    public static List<Long> withArgument(String needle) {
        long self = ProcessHandle.current().pid();
        List<Long> found = new ArrayList<>();
        ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self)
                .filter(p -> p.info().commandLine().map(c -> c.contains(needle)).orElse(false))
                .forEach(p -> found.add(p.pid()));
        return found;
    }

    /**
     * Kills {@code pid} with SIGKILL if its command line still contains {@code mustMention} (so a
     * recycled pid is left alone) and waits up to {@code wait} for it to be gone.
     *
     * @return true when the process was killed (or already exited while we waited)
     */
    public static boolean kill(long pid, String mustMention, Duration wait) {
        if (pid <= 0 || pid == ProcessHandle.current().pid()) {
            return false;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        String cmd = handle.get().info().commandLine().orElse("");
        if (!cmd.contains(mustMention)) {
            LOG.log(System.Logger.Level.INFO, "not killing pid {0}: its command line does not mention {1}",
                    pid, mustMention);
            return false;
        }
        handle.get().destroyForcibly();
        Instant end = Instant.now().plus(wait);
        while (handle.get().isAlive() && Instant.now().isBefore(end)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return true;
    }
}
