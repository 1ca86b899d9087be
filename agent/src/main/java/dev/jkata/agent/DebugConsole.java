package dev.jkata.agent;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** agent.debug_console: a shell on the guest console, restarted when it exits. */
final class DebugConsole {

    private static final System.Logger LOG = System.getLogger(DebugConsole.class.getName());

    private DebugConsole() {
    }

    static void start() {
        Path tty = List.of(Path.of("/dev/hvc0"), Path.of("/dev/ttyS0"), Path.of("/dev/console")).stream()
                .filter(Files::exists).findFirst().orElse(null);
        Path shell = Files.isExecutable(Path.of("/bin/sh")) ? Path.of("/bin/sh") : null;
        if (tty == null || shell == null) {
            LOG.log(System.Logger.Level.WARNING, "agent.debug_console: no console device or /bin/sh");
            return;
        }
        File f = tty.toFile();
        Thread.ofPlatform().daemon().name("debug-console").start(() -> {
            while (true) {
                try {
                    Process p = new ProcessBuilder(shell.toString(), "-i")
                            .redirectInput(f).redirectOutput(f).redirectError(f).start();
                    p.waitFor();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "debug console on " + tty + ": " + e.getMessage());
                    return;
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        LOG.log(System.Logger.Level.INFO, "debug console on " + tty);
    }
}
