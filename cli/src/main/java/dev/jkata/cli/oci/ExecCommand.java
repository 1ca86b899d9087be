package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import dev.jkata.cli.Invocation;
import dev.jkata.sys.Fd;
import dev.jkata.sys.FdSocket;
import dev.jkata.sys.Pty;
import dev.jkata.sys.Sys;
import dev.jkata.sys.SysException;
import dev.jkata.sys.UnixSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code exec [flags] ID [COMMAND [ARGS…]]} with runc's flags. With {@code --detach} a pid-file
 * process stands for the new process (written to {@code --pid-file}); otherwise this process
 * relays nothing itself — its own stdio goes to the daemon — and exits with the process's code.
 */
final class ExecCommand {

    static final String[] FLAGS = {"console-socket=", "cwd=", "env|e=*", "tty|t", "user|u=", "additional-gids|g=*",
        "process|p=", "detach|d", "pid-file=", "process-label=", "apparmor=", "no-new-privs", "cap|c=*",
        "preserve-fds=", "cgroup=*", "ignore-paused"};

    private ExecCommand() {
    }

    static int run(Invocation inv, List<String> args) throws CliException {
        Flags f = Flags.parse("exec", args, FLAGS);
        String id = f.firstId("exec");
        OciPaths paths = OciPaths.of(inv.globals(), id);
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("op", "exec");
        boolean terminal = f.on("tty");
        if (f.value("process").isPresent()) {
            Path file = Path.of(f.value("process").get()).toAbsolutePath();
            req.put("processFile", file.toString());
            terminal = processTerminal(file);
        } else {
            List<String> command = f.positional().subList(1, f.positional().size());
            if (command.isEmpty()) {
                throw CliException.usage("exec: give the command to run after the container id, or --process FILE");
            }
            req.put("args", new ArrayList<Object>(command));
        }
        req.put("tty", terminal);
        f.value("cwd").ifPresent(c -> req.put("cwd", c));
        req.put("env", new ArrayList<Object>(f.values("env")));
        f.value("user").ifPresent(u -> req.put("user", u));
        req.put("additionalGids", new ArrayList<Object>(f.values("additional-gids")));
        boolean detach = f.on("detach");
        Optional<Path> console = f.value("console-socket").map(p -> Path.of(p).toAbsolutePath());
        if (terminal && console.isEmpty() && detach) {
            throw new CliException(CliException.FAILURE, "exec: a terminal process with --detach needs --console-socket");
        }
        if (!terminal && console.isPresent()) {
            throw new CliException(CliException.FAILURE, "exec: --console-socket given but the process has no terminal");
        }
        Sys sys = Sys.linux();
        List<Fd> owned = new ArrayList<>();
        Spawner.PidProcess pidProcess = null;
        try {
            Fd exitWrite;
            Fd exitRead = null;
            long pid;
            if (detach) {
                pidProcess = Spawner.pidProcess(sys);
                exitWrite = pidProcess.exitPipe();
                pid = pidProcess.pid();
            } else {
                Sys.Pipe pipe = sys.pipe();
                exitWrite = pipe.write();
                exitRead = pipe.read();
                owned.add(exitRead);
                pid = ProcessHandle.current().pid();
            }
            owned.add(exitWrite);
            int[] fds;
            if (terminal && console.isPresent()) {
                Fd slave = consoleSlave(sys, console.get());
                owned.add(slave);
                fds = new int[] {slave.value(), exitWrite.value()};
            } else if (terminal) {
                fds = new int[] {0, exitWrite.value()};
            } else {
                fds = new int[] {0, 1, 2, exitWrite.value()};
            }
            req.put("terminal", terminal);
            req.put("exitPipe", true);
            req.put("pid", pid);
            if (detach) {
                req.put("clientPid", ProcessHandle.current().pid());
            }
            if (DaemonClient.call(paths.socket(), req, fds).isEmpty()) {
                OciState s = Lifecycle.current(paths);
                throw new CliException(CliException.FAILURE, "exec: container " + id + " is not running (" + s.status() + ")");
            }
            exitWrite.close();
            if (detach) {
                if (f.value("pid-file").isPresent()) {
                    Creation.writePidFile(Path.of(f.value("pid-file").get()).toAbsolutePath(), pid);
                }
                owned.forEach(Fd::close);
                return 0;
            }
            int code = readExitCode(exitRead);
            owned.forEach(Fd::close);
            return code;
        } catch (CliException | RuntimeException e) {
            owned.forEach(Fd::close);
            if (pidProcess != null) {
                pidProcess.kill();
            }
            throw e;
        }
    }

    /** Reads the exit code line from the exit pipe (255 when it closes without one). */
    static int readExitCode(Fd exitRead) {
        StringBuilder sb = new StringBuilder();
        try (var in = new dev.jkata.sys.FdInputStream(exitRead)) {
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                sb.append((char) c);
            }
        } catch (IOException | SysException e) {
            return 255;
        }
        try {
            return Integer.parseInt(sb.toString().trim());
        } catch (NumberFormatException e) {
            return 255;
        }
    }

    static Fd consoleSlave(Sys sys, Path socket) throws CliException {
        try (Pty pty = sys.openPty()) {
            Fd slave = pty.openSlave();
            try {
                sys.makeRaw(slave.value());
                try (FdSocket s = UnixSocket.connect(socket)) {
                    s.sendFds(pty.slavePath().getBytes(StandardCharsets.UTF_8), pty.master().value());
                }
                return slave;
            } catch (SysException e) {
                slave.close();
                throw e;
            }
        } catch (SysException e) {
            throw new CliException(CliException.FAILURE, "--console-socket " + socket + ": " + e.getMessage(), e);
        }
    }

    private static boolean processTerminal(Path file) throws CliException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, "exec: reading --process " + file + ": " + e.getMessage(), e);
        }
        Map<String, Object> m = JsonText.parseObject(text, file.toString());
        return Boolean.TRUE.equals(m.get("terminal"));
    }
}
