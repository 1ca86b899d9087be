package dev.jkata.agent.net;

import dev.jkata.agent.AgentException;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the guest's {@code ip} (iproute2 when present, busybox otherwise). */
@FunctionalInterface
public interface IpCommand {

    /** Runs {@code ip args...}; returns stdout, or throws with the command's output on failure. */
    String run(List<String> args);

    /** Runs {@code arp args...} (busybox's ip has no "neigh replace"); the same contract as {@link #run}. */
    default String arp(List<String> args) {
        throw AgentException.internal("no arp command", null);
    }

    static IpCommand system() {
        String ip = Files.isExecutable(Path.of("/sbin/ip")) ? "/sbin/ip"
                : Files.isExecutable(Path.of("/usr/sbin/ip")) ? "/usr/sbin/ip"
                : Files.isExecutable(Path.of("/bin/ip")) ? "/bin/ip" : "ip";
        boolean busybox = !Files.isExecutable(Path.of(ip)) && Files.isExecutable(Path.of("/bin/busybox"));
        return new IpCommand() {
            @Override
            public String run(List<String> args) {
                List<String> cmd = new ArrayList<>();
                if (busybox) {
                    cmd.add("/bin/busybox");
                    cmd.add("ip");
                } else {
                    cmd.add(ip);
                }
                cmd.addAll(args);
                return exec(cmd);
            }

            @Override
            public String arp(List<String> args) {
                List<String> cmd = new ArrayList<>();
                if (Files.isExecutable(Path.of("/sbin/arp"))) {
                    cmd.add("/sbin/arp");
                } else {
                    cmd.add("/bin/busybox");
                    cmd.add("arp");
                }
                cmd.addAll(args);
                return exec(cmd);
            }
        };
    }

    private static String exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw AgentException.internal(String.join(" ", cmd) + ": timed out", null);
            }
            if (p.exitValue() != 0) {
                throw AgentException.internal(String.join(" ", cmd) + " failed: " + out.trim(), null);
            }
            return out;
        } catch (IOException e) {
            throw AgentException.internal("running " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AgentException.internal("interrupted running " + cmd.getFirst(), e);
        }
    }
}
