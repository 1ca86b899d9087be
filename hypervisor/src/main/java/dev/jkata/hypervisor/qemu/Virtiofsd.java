package dev.jkata.hypervisor.qemu;

import dev.jkata.hypervisor.HypervisorException;
import dev.jkata.hypervisor.SharedFs;
import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Starts virtiofsd for one VM and waits until its vhost-user socket is there. */
final class Virtiofsd {

    private static final System.Logger LOG = System.getLogger(Virtiofsd.class.getName());

    private Virtiofsd() {
    }

    /** virtiofsd's arguments: socket, source directory, cache mode, then the configured extras. */
    static List<String> command(SharedFs.VirtioFs fs, Path socket) {
        List<String> cmd = new ArrayList<>();
        cmd.add(fs.daemon().toString());
        cmd.add("--socket-path=" + socket);
        cmd.addAll(List.of("-o", "source=" + fs.sharedDir()));
        // the "-o" form spells Kata's "never" as "none" (QEMU's C daemon; the Rust one accepts both)
        cmd.addAll(List.of("-o", "cache=" + (fs.cache().equals("never") ? "none" : fs.cache())));
        cmd.addAll(fs.extraArgs());
        return List.copyOf(cmd);
    }

    /**
     * Starts the daemon with output appended to {@code log}; returns once {@code socket} exists.
     *
     * @throws HypervisorException naming the daemon or directory when either is missing, or with the
     *     tail of the log when the daemon exits or does not create its socket within {@code timeout}
     */
    static Process start(SharedFs.VirtioFs fs, Path socket, Path log, Duration timeout) throws HypervisorException {
        if (!Files.isExecutable(fs.daemon())) {
            throw new HypervisorException("virtio-fs daemon " + fs.daemon() + ": not an executable file");
        }
        if (!Files.isDirectory(fs.sharedDir())) {
            throw new HypervisorException("virtio-fs shared directory " + fs.sharedDir() + ": not a directory");
        }
        List<String> cmd = command(fs, socket);
        LOG.log(Level.DEBUG, "starting " + String.join(" ", cmd));
        Process p;
        try {
            Files.deleteIfExists(socket);
            p = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new HypervisorException("virtio-fs daemon " + fs.daemon() + ": cannot start", e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(socket)) {
            if (!p.isAlive()) {
                throw new HypervisorException("virtio-fs daemon " + fs.daemon() + " exited with status "
                        + p.exitValue() + " before creating " + socket + ": " + Processes.tail(log, 2000));
            }
            if (System.nanoTime() > deadline || !Processes.pause(10)) {
                Processes.kill(p);
                throw new HypervisorException("virtio-fs daemon " + fs.daemon() + ": no socket " + socket
                        + " after " + timeout.toMillis() + " ms: " + Processes.tail(log, 2000));
            }
        }
        return p;
    }
}
