package dev.jkata.runtime.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private static final Path PROC = Path.of("/proc");

    /**
     * The command line of a live process (from /proc/PID/cmdline, arguments joined by spaces), or
     * empty when it is gone, a zombie or unreadable.
     */
    public static Optional<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            if (raw.length == 0) {
                return Optional.empty();
            }
            int end = raw[raw.length - 1] == 0 ? raw.length - 1 : raw.length;
            return Optional.of(new String(raw, 0, end, StandardCharsets.UTF_8).replace('\0', ' '));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Program names of the VMMs and daemons a sandbox may leave behind. */
    private static final List<String> HELPER_NAMES =
            List.of("qemu", "virtiofsd", "cloud-hypervisor", "firecracker");

    /**
     * Live VMM and virtiofsd processes (by program name: qemu*, virtiofsd, cloud-hypervisor,
     * firecracker) whose command line contains {@code needle} — a sandbox's helpers that were not
     * recorded in its state (a crash between starting them and saving the record).
     */
    public static List<Long> helpersMentioning(String needle) {
        List<Long> out = new ArrayList<>();
        for (long pid : withArgument(needle)) {
            String argv0 = commandLine(pid).map(c -> c.split(" ", 2)[0]).orElse("");
            String name = argv0.substring(argv0.lastIndexOf('/') + 1);
            if (HELPER_NAMES.stream().anyMatch(name::startsWith)) {
                out.add(pid);
            }
        }
        return out;
    }

    /**
     * Live processes (other than this one) whose command line contains {@code needle} — used to
     * find the VMM and virtiofsd of a sandbox by its state directory path.
     */
    public static List<Long> withArgument(String needle) {
        long self = ProcessHandle.current().pid();
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path dir : dirs) {
                long pid = Long.parseLong(dir.getFileName().toString());
                if (pid != self && commandLine(pid).map(c -> c.contains(needle)).orElse(false)) {
                    found.add(pid);
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING, "scanning /proc: " + e);
        }
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
        if (handle.isEmpty() || !handle.get().isAlive() || isZombie(pid)) {
            return false;
        }
        String cmd = commandLine(pid).orElse("");
        if (!cmd.contains(mustMention)) {
            LOG.log(System.Logger.Level.INFO, "not killing pid {0}: its command line does not mention {1}",
                    pid, mustMention);
            return false;
        }
        handle.get().destroyForcibly();
        Instant end = Instant.now().plus(wait);
        while (handle.get().isAlive() && !isZombie(pid) && Instant.now().isBefore(end)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return true;
    }

    /**
     * True when {@code pid} has died and only waits for its parent to reap it. A killed VMM whose shim is
     * gone belongs to init, and an init that reaps slowly (seen on these test machines: seconds) must not
     * hold up a cleaner that containerd gives 5 s.
     */
    public static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
        } catch (IOException e) {
            return false;
        }
    }
}
