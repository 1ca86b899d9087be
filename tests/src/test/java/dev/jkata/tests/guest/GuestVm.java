package dev.jkata.tests.guest;

import dev.jkata.proto.agent.CheckRequest;
import dev.jkata.proto.agent.HealthCheckResponse;
import dev.jkata.ttrpc.Transports;
import dev.jkata.ttrpc.TtrpcClient;
import dev.jkata.ttrpc.TtrpcException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One QEMU VM booted from the guest assets, with the agent's virtio-serial port on a unix socket and
 * optionally a host directory shared by virtio-fs (virtiofsd) or virtio-9p. {@link #close()} stops QEMU
 * and virtiofsd and removes the work directory.
 */
final class GuestVm implements AutoCloseable {
    static final String QEMU = "/usr/bin/qemu-system-x86_64";
    static final String VIRTIOFSD = "/usr/lib/qemu/virtiofsd";
    static final String SHARE_TAG = "kataShared";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path work;
    private final Path shared;
    private final Path console;
    private final Process qemu;
    private final Process virtiofsd;
    private final TtrpcClient agent;
    private final Duration bootToReady;

    private GuestVm(Path work, Path shared, Path console, Process qemu, Process virtiofsd, TtrpcClient agent,
                    Duration bootToReady) {
        this.work = work;
        this.shared = shared;
        this.console = console;
        this.qemu = qemu;
        this.virtiofsd = virtiofsd;
        this.agent = agent;
        this.bootToReady = bootToReady;
    }

    /** Boots a VM and waits until the agent answers grpc.Health/Check with SERVING. */
    static GuestVm boot(GuestAssets assets, VmConfig cfg) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("jkata-guest-it-");
        Path shared = Files.createDirectories(work.resolve("shared"));
        Path console = work.resolve("console.log");
        Path agentSock = work.resolve("agent.sock");
        Process virtiofsd = null;
        Process qemu = null;
        try {
            if (cfg.share() == VmConfig.Share.VIRTIO_FS) {
                Path vfsSock = work.resolve("virtiofsd.sock");
                virtiofsd = new ProcessBuilder(VIRTIOFSD, "--socket-path=" + vfsSock, "-o", "source=" + shared,
                        "-o", "cache=auto")
                        .redirectErrorStream(true).redirectOutput(work.resolve("virtiofsd.log").toFile()).start();
                waitForFile(vfsSock, virtiofsd, Duration.ofSeconds(10), work.resolve("virtiofsd.log"));
            }
            List<String> cmd = qemuCommand(assets, cfg, work, shared, agentSock, console);
            Files.writeString(work.resolve("qemu.cmd"), String.join(" ", cmd) + "\n");
            long start = System.nanoTime();
            qemu = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(work.resolve("qemu.log").toFile()).start();
            waitForFile(agentSock, qemu, Duration.ofSeconds(10), work.resolve("qemu.log"));
            TtrpcClient client = waitReady(agentSock, qemu, console, work);
            Duration ready = Duration.ofNanos(System.nanoTime() - start);
            return new GuestVm(work, shared, console, qemu, virtiofsd, client, ready);
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            stop(qemu);
            stop(virtiofsd);
            String log = tail(console) + "\n" + tail(work.resolve("qemu.log"));
            deleteTree(work);
            if (e instanceof AssertionError a) {
                throw a;
            }
            throw new IOException("VM did not get ready: " + e.getMessage() + "\nconsole/qemu log:\n" + log, e);
        }
    }

    static List<String> qemuCommand(GuestAssets a, VmConfig cfg, Path work, Path shared, Path agentSock,
                                    Path console) {
        boolean micro = cfg.machine() == VmConfig.Machine.MICROVM;
        boolean vfs = cfg.share() == VmConfig.Share.VIRTIO_FS;
        List<String> c = new ArrayList<>(List.of(QEMU));
        String machine = micro ? "microvm" : "q35";
        if (vfs && micro) {
            machine += ",memory-backend=mem";
        }
        c.addAll(List.of("-M", machine, "-accel", "tcg,thread=multi", "-m", cfg.memoryMb() + "M",
                "-nodefaults", "-nographic", "-no-reboot", "-serial", "file:" + console,
                "-kernel", a.kernel().toString(), "-initrd", a.initrd().toString()));
        String append = "console=ttyS0 panic=1 quiet" + (micro ? " tsc_early_khz=" + tscKhz() : "")
                + (cfg.append().isBlank() ? "" : " " + cfg.append());
        c.addAll(List.of("-append", append));
        if (micro) {
            c.addAll(List.of("-global", "virtio-mmio.force-legacy=false"));
        }
        if (vfs) {
            c.addAll(List.of("-object", "memory-backend-memfd,id=mem,size=" + cfg.memoryMb() + "M,share=on"));
            if (!micro) {
                c.addAll(List.of("-numa", "node,memdev=mem"));
            }
            c.addAll(List.of("-chardev", "socket,id=vfs0,path=" + work.resolve("virtiofsd.sock"),
                    "-device", (micro ? "vhost-user-fs-device" : "vhost-user-fs-pci") + ",chardev=vfs0,tag=" + SHARE_TAG));
        }
        if (cfg.share() == VmConfig.Share.NINE_P) {
            c.addAll(List.of("-fsdev", "local,id=fs0,path=" + shared + ",security_model=none",
                    "-device", (micro ? "virtio-9p-device" : "virtio-9p-pci") + ",fsdev=fs0,mount_tag=" + SHARE_TAG));
        }
        c.addAll(List.of("-device", micro ? "virtio-serial-device" : "virtio-serial-pci",
                "-chardev", "socket,path=" + agentSock + ",server=on,wait=off,id=agent0",
                "-device", "virtserialport,chardev=agent0,name=agent.channel.0"));
        return c;
    }

    /** The host TSC frequency in kHz, for the guest's tsc_early_khz (microvm has no way to measure it). */
    static long tscKhz() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("cpu MHz")) {
                    return Math.round(Double.parseDouble(line.substring(line.indexOf(':') + 1).trim()) * 1000);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        throw new IllegalStateException("no 'cpu MHz' in /proc/cpuinfo for tsc_early_khz");
    }

    private static TtrpcClient waitReady(Path sock, Process qemu, Path console, Path work)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        TtrpcClient client = new TtrpcClient(Transports.unix(sock));
        TtrpcException last = null;
        while (System.nanoTime() < deadline) {
            if (!qemu.isAlive()) {
                client.close();
                throw new AssertionError("QEMU exited (status " + qemu.exitValue() + ") before the agent was ready;"
                        + " console:\n" + tail(console) + "\nqemu:\n" + tail(work.resolve("qemu.log")));
            }
            try {
                HealthCheckResponse r = client.call("grpc.Health", "Check", CheckRequest.getDefaultInstance(),
                        HealthCheckResponse.parser(), Duration.ofSeconds(1));
                if (r.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
                    return client;
                }
            } catch (TtrpcException e) {
                last = e;
                if (client.isClosed()) {
                    client = new TtrpcClient(Transports.unix(sock));
                }
            }
        }
        client.close();
        throw new AssertionError("agent not SERVING within " + READY_TIMEOUT.toSeconds() + " s (last error: "
                + (last == null ? "none" : last.getMessage()) + "); console:\n" + tail(console));
    }

    private static void waitForFile(Path f, Process p, Duration timeout, Path log)
            throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(f)) {
            if (!p.isAlive()) {
                throw new IOException(p.info().command().orElse("process") + " exited (status " + p.exitValue()
                        + ") before creating " + f + ": " + tail(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(f + " did not appear within " + timeout.toSeconds() + " s: " + tail(log));
            }
            Thread.sleep(20);
        }
    }

    TtrpcClient agent() {
        return agent;
    }

    /** The host directory the guest sees under the share tag. */
    Path sharedDir() {
        return shared;
    }

    Path workDir() {
        return work;
    }

    Duration bootToReady() {
        return bootToReady;
    }

    long qemuPid() {
        return qemu.pid();
    }

    Long virtiofsdPid() {
        return virtiofsd == null ? null : virtiofsd.pid();
    }

    String consoleLog() {
        try {
            return Files.exists(console) ? Files.readString(console, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read console log: " + e + ")";
        }
    }

    /** Stops QEMU and virtiofsd, waits for both, removes the work directory. */
    @Override
    public void close() {
        agent.close();
        stop(qemu);
        stop(virtiofsd);
        deleteTree(work);
    }

    private static void stop(Process p) {
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static String tail(Path f) {
        try {
            if (!Files.exists(f)) {
                return "(no " + f.getFileName() + ")";
            }
            String s = Files.readString(f, StandardCharsets.ISO_8859_1);
            return s.length() <= 6000 ? s : "..." + s.substring(s.length() - 6000);
        } catch (IOException e) {
            return "(cannot read " + f + ": " + e + ")";
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + dir, e);
        }
    }
}
