package dev.jkata.agent.vm;

import dev.jkata.ttrpc.Transports;
import dev.jkata.ttrpc.TtrpcClient;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test harness: boots the guest kernel + initrd under QEMU (microvm, TCG) with the agent on a
 * virtio-serial port and a virtio-fs share, and hands out a ttrpc client to the agent.
 */
public final class GuestVm implements AutoCloseable {

    public static final Path REPO = Path.of(System.getProperty("jkata.repo", "..")).toAbsolutePath().normalize();
    public static final Path KERNEL = REPO.resolve("build/guest/vmlinux.container");
    public static final Path INITRD = REPO.resolve("build/guest/kata-containers-initrd.img");

    /** The MAC address of the guest's one NIC (QEMU user networking, 10.0.2.0/24). */
    public static final String MAC = "02:00:00:00:00:01";

    private final Path dir;
    private final Process virtiofsd;
    private final Process qemu;
    private final TtrpcClient client;

    private GuestVm(Path dir, Process virtiofsd, Process qemu, TtrpcClient client) {
        this.dir = dir;
        this.virtiofsd = virtiofsd;
        this.qemu = qemu;
        this.client = client;
    }

    public static boolean available() {
        return Files.isReadable(KERNEL) && Files.isReadable(INITRD)
                && Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64"))
                && Files.isExecutable(Path.of("/usr/lib/qemu/virtiofsd"));
    }

    /** Boots a VM sharing {@code shared} as kataShared; {@code dir} holds sockets and the console log. */
    public static GuestVm boot(Path dir, Path shared, String extraKernelParams) throws IOException, InterruptedException {
        return boot(dir, shared, extraKernelParams, false);
    }

    /** Boots with the share over virtio-9p instead of virtio-fs when {@code ninep}. */
    public static GuestVm boot(Path dir, Path shared, String extraKernelParams, boolean ninep)
            throws IOException, InterruptedException {
        Path vfsSock = dir.resolve("vfs.sock");
        Path agentSock = dir.resolve("agent.sock");
        Process vfs = ninep ? new ProcessBuilder("/bin/sleep", "infinity").start()
                : new ProcessBuilder("/usr/lib/qemu/virtiofsd", "--socket-path=" + vfsSock,
                        "-o", "source=" + shared, "-o", "cache=auto")
                .redirectErrorStream(true).redirectOutput(dir.resolve("virtiofsd.log").toFile()).start();
        if (!ninep) {
            waitFor(vfsSock, vfs, Duration.ofSeconds(10));
        }
        List<String> params = new ArrayList<>(List.of("tsc=reliable", "no_timer_check", "rcupdate.rcu_expedited=1",
                "i8042.direct=1", "i8042.dumbkbd=1", "i8042.nopnp=1", "i8042.noaux=1", "noreplace-smp", "reboot=k",
                "cryptomgr.notests", "net.ifnames=0", "panic=1", "console=ttyS0", "quiet"));
        tscKhz().ifPresent(k -> params.add("tsc_early_khz=" + k));
        if (!extraKernelParams.isBlank()) {
            params.add(extraKernelParams);
        }
        String fromProperty = System.getProperty("jkata.it.kernelParams", "");
        if (!fromProperty.isBlank()) {
            params.add(fromProperty);
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/qemu-system-x86_64", "-nodefaults", "-nographic",
                "-no-reboot", "-no-user-config", "-machine", ninep ? "microvm" : "microvm,memory-backend=mem",
                "-accel", "tcg,thread=multi", "-cpu", "max", "-smp", "2", "-m", "1024M"));
        if (!ninep) {
            cmd.addAll(List.of("-object", "memory-backend-memfd,id=mem,size=1024M,share=on"));
        }
        cmd.addAll(List.of("-global", "virtio-mmio.force-legacy=false",
                "-kernel", KERNEL.toString(), "-initrd", INITRD.toString(), "-append", String.join(" ", params),
                "-chardev", "file,id=console0,path=" + dir.resolve("console.log"), "-serial", "chardev:console0",
                "-device", "virtio-serial-device,id=serial0",
                "-chardev", "socket,id=agent0,path=" + agentSock + ",server=on,wait=off",
                "-device", "virtserialport,bus=serial0.0,chardev=agent0,name=agent.channel.0",
                "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0,mac=" + MAC,
                "-device", "virtio-rng-device"));
        if (ninep) {
            cmd.addAll(List.of("-fsdev", "local,id=fs0,path=" + shared + ",security_model=none",
                    "-device", "virtio-9p-device,fsdev=fs0,mount_tag=kataShared"));
        } else {
            cmd.addAll(List.of("-chardev", "socket,id=vfs0,path=" + vfsSock,
                    "-device", "vhost-user-fs-device,chardev=vfs0,tag=kataShared"));
        }
        Process qemu = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("qemu.log").toFile()).start();
        try {
            waitFor(agentSock, qemu, Duration.ofSeconds(20));
            TtrpcClient client = new TtrpcClient(connect(agentSock, qemu));
            return new GuestVm(dir, vfs, qemu, client);
        } catch (IOException | RuntimeException e) {
            qemu.destroyForcibly();
            vfs.destroyForcibly();
            throw e;
        }
    }

    public TtrpcClient client() {
        return client;
    }

    public String console() {
        try {
            return Files.exists(dir.resolve("console.log")) ? Files.readString(dir.resolve("console.log")) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** QEMU creates the socket file before it listens: retry a refused connection for a while. */
    private static dev.jkata.ttrpc.Connection connect(Path socket, Process qemu) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                return Transports.unix(socket);
            } catch (IOException e) {
                if (!qemu.isAlive() || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static void waitFor(Path socket, Process p, Duration max) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!Files.exists(socket)) {
            if (!p.isAlive()) {
                throw new IOException(p.info().command().orElse("process") + " exited with " + p.exitValue()
                        + " before creating " + socket);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("no " + socket + " after " + max);
            }
            Thread.sleep(20);
        }
    }

    private static java.util.OptionalLong tscKhz() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("cpu MHz")) {
                    return java.util.OptionalLong.of(
                            new BigDecimal(line.substring(line.indexOf(':') + 1).trim()).movePointRight(3).longValue());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no hint
        }
        return java.util.OptionalLong.empty();
    }

    @Override
    public void close() {
        client.close();
        qemu.destroy();
        try {
            if (!qemu.waitFor(5, TimeUnit.SECONDS)) {
                qemu.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            virtiofsd.destroy();
            if (!virtiofsd.waitFor(5, TimeUnit.SECONDS)) {
                virtiofsd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
