package dev.jkata.agent.vm;

import dev.jkata.hypervisor.AcceleratorChoice;
import dev.jkata.hypervisor.AgentEndpoint;
import dev.jkata.hypervisor.HypervisorException;
import dev.jkata.hypervisor.NetDevice;
import dev.jkata.hypervisor.SharedFs;
import dev.jkata.hypervisor.VirtualMachine;
import dev.jkata.hypervisor.VmConfig;
import dev.jkata.hypervisor.qemu.Qemu;
import dev.jkata.proto.agent.CheckRequest;
import dev.jkata.proto.agent.HealthCheckResponse;
import dev.jkata.ttrpc.Transports;
import dev.jkata.ttrpc.TtrpcClient;
import dev.jkata.ttrpc.TtrpcException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test harness: boots the guest kernel + initrd from {@code build/guest} through the hypervisor
 * module's QEMU driver (the same code path as the runtime), waits until the agent answers
 * grpc.Health/Check SERVING on its channel and hands out a ttrpc client. {@link #close()} stops the
 * VM and checks that no QEMU, virtiofsd or network namespace is left behind.
 */
public final class GuestVm implements AutoCloseable {

    public static final Path REPO = Path.of(System.getProperty("jkata.repo", "..")).toAbsolutePath().normalize();
    public static final Path KERNEL = REPO.resolve("build/guest/vmlinux.container");
    public static final Path INITRD = REPO.resolve("build/guest/kata-containers-initrd.img");
    static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
    static final Path VIRTIOFSD = Path.of("/usr/lib/qemu/virtiofsd");
    static final String SHARE_TAG = "kataShared";
    /** Boot to SERVING; generous: TCG on two cores shared with other builds. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    /** The MAC address of the guest's one NIC (a tap in a namespace of its own, when root). */
    public static final String MAC = "02:00:00:00:00:01";

    /** How the shared directory reaches the guest. */
    public enum Share { VIRTIO_FS, NINE_P }

    private final Path dir;
    private final VirtualMachine vm;
    private final TapNetwork network;
    private final String noNic;
    private final TtrpcClient client;
    private final Duration bootToReady;

    private GuestVm(Path dir, VirtualMachine vm, TapNetwork network, String noNic, TtrpcClient client,
            Duration bootToReady) {
        this.dir = dir;
        this.vm = vm;
        this.network = network;
        this.noNic = noNic;
        this.client = client;
        this.bootToReady = bootToReady;
    }

    /**
     * Skips the calling test when the guest assets (osbuilder's build/guest), QEMU, virtiofsd or
     * busybox are missing, naming what is missing; with {@code CI=true} fails it instead, so that CI
     * never passes by skipping.
     */
    public static void requireAssets() {
        List<String> missing = new ArrayList<>();
        for (Path p : List.of(KERNEL, INITRD)) {
            if (!Files.isReadable(p)) {
                missing.add(p + " (osbuilder/build-guest.sh)");
            }
        }
        for (Path p : List.of(QEMU, VIRTIOFSD)) {
            if (!Files.isExecutable(p)) {
                missing.add(p + " (Debian package qemu-system-x86)");
            }
        }
        if (!BusyboxRootfs.available()) {
            missing.add("/bin/busybox (Debian package busybox-static)");
        }
        if (!missing.isEmpty()) {
            String msg = "cannot boot the guest, missing: " + missing;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(msg);
            }
            Assumptions.abort(msg);
        }
    }

    /**
     * Boots a VM sharing {@code shared} as {@code kataShared}; {@code dir} holds the VM's state
     * (sockets, console and QEMU logs).
     *
     * @param machineType QEMU machine type; blank = the driver's choice for the accelerator (microvm
     *     under TCG, q35 under KVM)
     * @param nic         give the guest a virtio-net NIC ({@link #MAC}) backed by a tap, when root
     */
    public static GuestVm boot(Path dir, Path shared, Share share, String machineType, boolean nic)
            throws IOException, InterruptedException, HypervisorException {
        SharedFs fs = switch (share) {
            case VIRTIO_FS -> new SharedFs.VirtioFs(shared, SHARE_TAG, VIRTIOFSD, "auto", List.of());
            case NINE_P -> new SharedFs.Virtio9p(shared, SHARE_TAG);
        };
        String params = System.getProperty("jkata.it.kernelParams", "");
        VmConfig config = new VmConfig("agent-it-" + dir.getFileName(), dir.resolve("state"), QEMU, KERNEL, INITRD,
                null, machineType, params, 2, 2, 1024, fs, AcceleratorChoice.AUTO, false);
        TapNetwork network = null;
        String noNic = nic ? "" : "no NIC asked for";
        if (nic && !TapNetwork.available()) {
            noNic = "a tap device needs root, " + TapNetwork.IP + " and /dev/net/tun";
        } else if (nic) {
            try {
                network = TapNetwork.create();
            } catch (IOException e) {
                // the other scenarios need no network: boot without a NIC, the network test reports why
                noNic = e.getMessage();
            }
        }
        if (network != null) {
            config = config.withNetwork(List.of(new NetDevice.Tap("net0", network.tapName(), MAC)), network.netns());
        }
        long start = System.nanoTime();
        VirtualMachine vm = null;
        try {
            vm = new Qemu().start(config);
            String command = ProcessHandle.of(vm.pid()).flatMap(h -> h.info().command()).orElse("");
            if (!command.contains("qemu-system")) {
                throw new IllegalStateException("VM pid " + vm.pid() + " is not a qemu-system process: " + command);
            }
            if (!(vm.agentEndpoint() instanceof AgentEndpoint.Serial serial)) {
                throw new IllegalStateException("expected the virtio-serial agent channel here, got "
                        + vm.agentEndpoint());
            }
            TtrpcClient client = waitServing(serial.unixSocket(), vm);
            return new GuestVm(dir, vm, network, noNic, client, Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException | HypervisorException | RuntimeException | Error e) {
            String console = vm == null ? "" : read(vm.consoleLog());
            if (vm != null) {
                vm.stop();
            }
            if (network != null) {
                network.close();
            }
            System.err.println("guest console:\n" + console);
            throw e;
        }
    }

    /** Connects to the agent channel and polls Health/Check until SERVING. */
    private static TtrpcClient waitServing(Path socket, VirtualMachine vm) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        TtrpcClient client = null;
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (vm.exited().isDone()) {
                throw new IOException("QEMU exited (status " + vm.exited().getNow(-1) + ") before the agent was ready");
            }
            try {
                if (client == null || client.isClosed()) {
                    client = new TtrpcClient(Transports.unix(socket));
                }
                HealthCheckResponse r = client.call("grpc.Health", "Check", CheckRequest.getDefaultInstance(),
                        HealthCheckResponse.parser(), Duration.ofSeconds(5));
                if (r.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
                    return client;
                }
                last = new IOException("agent answered " + r.getStatus());
            } catch (IOException | TtrpcException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        if (client != null) {
            client.close();
        }
        throw new IOException("agent not SERVING on " + socket + " within " + READY_TIMEOUT.toSeconds()
                + " s; last: " + (last == null ? "nothing" : last.getMessage()), last);
    }

    public TtrpcClient client() {
        return client;
    }

    public long pid() {
        return vm.pid();
    }

    /** From starting QEMU to the agent answering SERVING. */
    public Duration bootToReady() {
        return bootToReady;
    }

    /** Whether the guest got the NIC asked for (needs root to make the tap). */
    public boolean hasNic() {
        return network != null;
    }

    /** Why the guest has no NIC; empty when it has one. */
    public String whyNoNic() {
        return noNic;
    }

    public String console() {
        return read(vm.consoleLog());
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** The release of the guest kernel, read from its "Linux version X (" banner. */
    public static String kernelRelease() throws IOException {
        Pattern banner = Pattern.compile("Linux version (\\S+) \\(");
        byte[] buf = new byte[1 << 20];
        String carry = "";
        try (InputStream in = Files.newInputStream(KERNEL)) {
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                String chunk = carry + new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                Matcher m = banner.matcher(chunk);
                if (m.find()) {
                    return m.group(1);
                }
                carry = chunk.substring(Math.max(0, chunk.length() - 200));
            }
        }
        throw new IOException("no 'Linux version' banner in " + KERNEL);
    }

    /** Stops the VM (QEMU and virtiofsd), removes the namespace; asserts that no process names our dir. */
    @Override
    public void close() {
        client.close();
        vm.stop();
        if (network != null) {
            network.close();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> left;
        while (!(left = processesNaming(dir)).isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!left.isEmpty()) {
            throw new AssertionError("processes left behind after stop: " + left);
        }
    }

    private static List<String> processesNaming(Path dir) {
        String token = dir.toString();
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains(token)).orElse(false))
                .map(h -> h.pid() + ": " + h.info().commandLine().orElse("?"))
                .toList();
    }
}
