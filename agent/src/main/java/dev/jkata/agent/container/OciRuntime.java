package dev.jkata.agent.container;

import dev.jkata.agent.AgentException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The OCI runtime binary the agent drives (crun in the guest; runc works too, for host tests).
 *
 * @param binary    the runtime executable
 * @param stateRoot the runtime's --root state directory
 * @param noPivot   start containers with {@code --no-pivot} (MS_MOVE + chroot instead of pivot_root,
 *                  which the kernel refuses while the root is the initramfs)
 */
public record OciRuntime(Path binary, Path stateRoot, boolean noPivot) {

    public OciRuntime(Path binary, Path stateRoot) {
        this(binary, stateRoot, false);
    }

    /** crun; {@code --no-pivot} when the guest's root is still the initramfs (the guest's /init keeps it). */
    public static OciRuntime crun() {
        return new OciRuntime(Path.of("/usr/bin/crun"), Path.of("/run/crun"),
                rootIsInitramfs(Path.of("/proc/self/mountinfo")));
    }

    /**
     * Whether "/" is the initramfs itself, the mount pivot_root refuses: the topmost "/" entry of a
     * mountinfo file has file system type rootfs or ramfs and is its own parent (the namespace's first
     * mount). The guest's /init moves a bind mount of the initramfs over it: same type, but with a
     * parent, and pivot_root accepts it. False when the file cannot be read.
     */
    static boolean rootIsInitramfs(Path mountinfo) {
        String type = null;
        boolean ownParent = false;
        try {
            for (String line : Files.readAllLines(mountinfo, StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                int dash = line.indexOf(" - ");
                if (f.length > 4 && f[4].equals("/") && dash > 0) {
                    String[] after = line.substring(dash + 3).split(" ");
                    type = after.length > 0 ? after[0] : null;
                    ownParent = f[0].equals(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return ownParent && ("rootfs".equals(type) || "ramfs".equals(type));
    }

    private List<String> base(Path logFile) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.add("--root");
        cmd.add(stateRoot.toString());
        if (logFile != null) {
            cmd.add("--log");
            cmd.add(logFile.toString());
        }
        return cmd;
    }

    /** {@code run} in the foreground: the runtime exits with the container process's status. */
    public ProcessBuilder run(String id, Path bundle, Path consoleSocket, Path pidFile, Path logFile) {
        List<String> cmd = base(logFile);
        cmd.add("run");
        if (noPivot) {
            cmd.add("--no-pivot");
        }
        cmd.add("--bundle");
        cmd.add(bundle.toString());
        if (consoleSocket != null) {
            cmd.add("--console-socket");
            cmd.add(consoleSocket.toString());
        }
        cmd.add("--pid-file");
        cmd.add(pidFile.toString());
        cmd.add(id);
        return new ProcessBuilder(cmd).directory(bundle.toFile());
    }

    /** {@code exec} in the foreground: the runtime exits with the exec'd process's status. */
    public ProcessBuilder exec(String id, Path processJson, Path consoleSocket, Path pidFile, Path logFile) {
        List<String> cmd = base(logFile);
        cmd.add("exec");
        cmd.add("--process");
        cmd.add(processJson.toString());
        if (consoleSocket != null) {
            cmd.add("--console-socket");
            cmd.add(consoleSocket.toString());
        }
        cmd.add("--pid-file");
        cmd.add(pidFile.toString());
        cmd.add(id);
        return new ProcessBuilder(cmd);
    }

    public void pause(String id) {
        call(List.of("pause", id));
    }

    public void resume(String id) {
        call(List.of("resume", id));
    }

    public void update(String id, Path resourcesJson) {
        call(List.of("update", "--resources", resourcesJson.toString(), id));
    }

    /** Forcibly deletes the container's runtime state; a container the runtime no longer knows is fine. */
    public void delete(String id) {
        try {
            call(List.of("delete", "--force", id));
        } catch (AgentException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (!m.contains("does not exist") && !m.contains("not exist") && !m.contains("No such file")) {
                throw e;
            }
        }
    }

    /** Runs a short runtime command; a non-zero exit becomes an error carrying its output. */
    void call(List<String> args) {
        List<String> cmd = base(null);
        cmd.addAll(args);
        try {
            java.lang.Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw AgentException.internal(String.join(" ", cmd) + ": timed out", null);
            }
            if (p.exitValue() != 0) {
                throw AgentException.internal(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): "
                        + new String(out, StandardCharsets.UTF_8).trim(), null);
            }
        } catch (IOException e) {
            throw AgentException.internal("running " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AgentException.internal("interrupted running " + binary, e);
        }
    }

    /** The last lines of a runtime log, for error messages. */
    static String tail(Path log) {
        try {
            if (!Files.exists(log)) {
                return "";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("; ", lines.subList(Math.max(0, lines.size() - 5), lines.size())).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
