package dev.jkata.hypervisor.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jkata.hypervisor.HypervisorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a guest that does not answer is doing, for the error that says so: whether QEMU's main loop
 * still answers QMP, the run state, and for each vCPU whether its host thread burns CPU (a guest that
 * spins) or sleeps (a halted guest waiting for an interrupt), and where it is (RIP, CPL, HLT from
 * {@code info registers}; look RIP up in the guest kernel's System.map). Never throws: every part that
 * cannot be had says why.
 */
final class GuestDiagnosis {

    static final Duration QMP_TIMEOUT = Duration.ofSeconds(2);
    static final Duration SAMPLE = Duration.ofMillis(300);
    private static final Pattern REGS = Pattern.compile("RIP=([0-9a-f]+).*?CPL=(\\d).*?HLT=(\\d)", Pattern.DOTALL);

    private GuestDiagnosis() {
    }

    static String of(long qemuPid, QmpClient qmp) {
        List<String> parts = new ArrayList<>();
        List<Long> threads = new ArrayList<>();
        try {
            parts.add("QMP status " + qmp.queryStatus(QMP_TIMEOUT));
            for (JsonNode cpu : qmp.execute("query-cpus-fast", Map.of(), QMP_TIMEOUT)) {
                threads.add(cpu.path("thread-id").asLong());
            }
        } catch (HypervisorException e) {
            parts.add("QMP does not answer (QEMU's main loop is blocked?): " + e.getMessage());
        }
        if (!threads.isEmpty()) {
            long[] before = cpuTicks(qemuPid, threads);
            sleep(SAMPLE);
            long[] after = cpuTicks(qemuPid, threads);
            for (int i = 0; i < threads.size(); i++) {
                parts.add("vCPU " + i + " (thread " + threads.get(i) + ") "
                        + (before[i] < 0 || after[i] < 0 ? "cpu time unknown"
                                : ((after[i] - before[i]) * 10 * 100 / SAMPLE.toMillis()) + "% busy"));
            }
            try {
                JsonNode regs = qmp.execute("human-monitor-command", Map.of("command-line", "info registers -a"),
                        QMP_TIMEOUT);
                parts.addAll(registers(regs.asText()));
            } catch (HypervisorException e) {
                parts.add("info registers: " + e.getMessage());
            }
        }
        parts.add("QEMU main thread " + threadState(qemuPid, qemuPid));
        return String.join("; ", parts);
    }

    /** RIP, CPL and HLT of each CPU in an {@code info registers -a} dump. */
    static List<String> registers(String dump) {
        List<String> out = new ArrayList<>();
        String[] cpus = dump.split("(?m)^CPU#");
        for (String cpu : cpus) {
            Matcher m = REGS.matcher(cpu);
            if (m.find()) {
                out.add("vCPU at RIP=" + m.group(1) + " CPL=" + m.group(2) + " HLT=" + m.group(3));
            }
        }
        if (out.isEmpty()) {
            out.add("no registers in the monitor's answer");
        }
        return out;
    }

    /** utime+stime (clock ticks) of each thread, -1 where unreadable. */
    private static long[] cpuTicks(long pid, List<Long> threads) {
        long[] t = new long[threads.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = ticks(Path.of("/proc", Long.toString(pid), "task", Long.toString(threads.get(i)), "stat"));
        }
        return t;
    }

    static long ticks(Path stat) {
        try {
            String[] f = afterComm(Files.readString(stat));
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The fields after "(comm)": field 3 (state) is index 0. */
    private static String[] afterComm(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    }

    private static String threadState(long pid, long tid) {
        Path task = Path.of("/proc", Long.toString(pid), "task", Long.toString(tid));
        try {
            String state = afterComm(Files.readString(task.resolve("stat")))[0];
            String wchan = Files.isReadable(task.resolve("wchan")) ? Files.readString(task.resolve("wchan")).trim() : "";
            return "state " + state + (wchan.isEmpty() || wchan.equals("0") ? "" : " in " + wchan);
        } catch (IOException | RuntimeException e) {
            return "state unknown (" + e.getMessage() + ")";
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
