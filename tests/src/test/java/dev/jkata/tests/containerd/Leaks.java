package dev.jkata.tests.containerd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** What a test must not leave behind: our VMs, virtiofsd, shims, mounts and Kata state dirs. */
public final class Leaks {
    static final Path RUN = Path.of("/run/kata-containers");
    static final Path SHARED = RUN.resolve("shared/sandboxes");

    private Leaks() {}

    /** Mount points at or under {@code root}, deepest first. */
    public static List<String> mountsUnder(Path root) throws IOException {
        String prefix = root.toString();
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length < 5) {
                continue;
            }
            String mp = unescape(f[4]);
            if (mp.equals(prefix) || mp.startsWith(prefix + "/")) {
                out.add(mp);
            }
        }
        out.sort(Comparator.comparingInt(String::length).reversed());
        return out;
    }

    static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Processes whose command line mentions {@code token}, as "pid: cmdline". */
    public static List<String> processesMentioning(String token) {
        List<String> out = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == self) {
                    continue;
                }
                String cmd;
                try {
                    cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                } catch (IOException e) {
                    continue; // gone meanwhile
                }
                if (cmd.contains(token) && (cmd.contains("qemu-system") || cmd.contains("virtiofsd")
                        || cmd.contains("dev.jkata.shim") || cmd.contains("containerd-shim-kata-v2"))) {
                    out.add(name + ": " + cmd.strip());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return out;
    }

    /** Kills what {@link #processesMentioning} finds for {@code id}, so one failed test does not spoil the next. */
    public static void killProcessesOf(String id) {
        for (String p : processesMentioning(id)) {
            ProcessHandle.of(Long.parseLong(p.substring(0, p.indexOf(':')))).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Everything left of sandbox {@code id}; empty when clean. */
    public static List<String> of(String id) throws IOException {
        List<String> left = new ArrayList<>(processesMentioning(id));
        for (Path p : List.of(RUN.resolve(id), SHARED.resolve(id))) {
            if (Files.exists(p)) {
                left.add("directory " + p);
            }
            mountsUnder(p).forEach(m -> left.add("mount " + m));
        }
        return left;
    }

    /** Waits up to {@code millis} for sandbox {@code id} to be gone; returns what is left. */
    public static List<String> awaitGone(String id, long millis) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        List<String> left = of(id);
        while (!left.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            left = of(id);
        }
        return left;
    }
}
