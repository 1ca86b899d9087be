package dev.jkata.agent.rpc;

import dev.jkata.agent.AgentException;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** Sandbox-wide guest set-up asked for by CreateSandbox: kernel modules and DNS. */
final class GuestSetup {

    private static final Pattern MODULE = Pattern.compile("[A-Za-z0-9_-]+");

    private GuestSetup() {
    }

    /** Where the kernel takes the hostname of the writer's UTS namespace, as sethostname(2) does. */
    static final Path PROC_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    /**
     * Sets the guest's hostname. Writing /proc/sys/kernel/hostname is the same as sethostname(2)
     * without a native call: under TCG, linking a call costs about a second the first time.
     */
    static void setHostname(String name) {
        if (name.isEmpty() || name.length() > 64 || name.contains("\n") || name.contains("\0")) {
            throw AgentException.invalid("hostname '" + name + "' is not valid: expected 1-64 characters, one line");
        }
        try {
            Files.writeString(PROC_HOSTNAME, name);
        } catch (IOException | UnsupportedOperationException e) {
            dev.jkata.agent.os.Native.sethostname(name);
        }
    }

    static void loadModule(String name, List<String> parameters) {
        if (!MODULE.matcher(name).matches()) {
            throw AgentException.invalid("kernel module name '" + name + "' is not valid");
        }
        List<String> cmd = new ArrayList<>(List.of("modprobe", name));
        for (String p : parameters) {
            cmd.addAll(List.of(p.trim().split("\\s+")));
        }
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw AgentException.internal("loading kernel module " + name + " failed: " + out, null);
            }
        } catch (IOException e) {
            throw AgentException.internal("loading kernel module " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AgentException.internal("interrupted loading kernel module " + name, e);
        }
    }

    /** Byte usage of the file system holding a guest path (what kubelet asks about a volume). */
    static dev.jkata.proto.agent.VolumeStatsResponse volumeStats(String guestPath) {
        if (!guestPath.startsWith("/")) {
            throw AgentException.invalid("volume_guest_path must be absolute, got '" + guestPath + "'");
        }
        Path p = Path.of(guestPath);
        if (!Files.exists(p)) {
            throw AgentException.notFound("volume path " + guestPath + " does not exist in the guest");
        }
        try {
            java.nio.file.FileStore fs = Files.getFileStore(p);
            long total = fs.getTotalSpace();
            long available = fs.getUsableSpace();
            long used = total - fs.getUnallocatedSpace();
            return dev.jkata.proto.agent.VolumeStatsResponse.newBuilder()
                    .addUsage(dev.jkata.proto.agent.VolumeUsage.newBuilder().setTotal(total).setAvailable(available)
                            .setUsed(Math.max(0, used)).setUnit(dev.jkata.proto.agent.VolumeUsage.Unit.BYTES))
                    .setVolumeCondition(dev.jkata.proto.agent.VolumeCondition.newBuilder().setAbnormal(false)
                            .setMessage("ok"))
                    .build();
        } catch (IOException e) {
            throw AgentException.internal("statfs " + guestPath + ": " + e.getMessage(), e);
        }
    }

    /** DNS entries come as resolv.conf lines ("nameserver 10.0.0.1", "search x"); bare addresses are nameservers. */
    static void writeResolvConf(Path file, List<String> dns) {
        StringBuilder b = new StringBuilder();
        for (String line : dns) {
            String l = line.trim();
            if (l.isEmpty()) {
                continue;
            }
            if (l.contains("\n")) {
                throw AgentException.invalid("DNS entry '" + line + "' spans several lines");
            }
            boolean keyword = l.startsWith("nameserver ") || l.startsWith("search ") || l.startsWith("options ")
                    || l.startsWith("domain ");
            b.append(keyword ? l : "nameserver " + l).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, b.toString());
        } catch (IOException e) {
            throw AgentException.internal("writing " + file + ": " + e.getMessage(), e);
        }
    }
}
