package dev.jkata.hypervisor.qemu;

import dev.jkata.hypervisor.AcceleratorChoice;
import dev.jkata.hypervisor.AgentEndpoint;
import dev.jkata.hypervisor.Hypervisor;
import dev.jkata.hypervisor.HypervisorException;
import dev.jkata.hypervisor.SharedFs;
import dev.jkata.hypervisor.VirtualMachine;
import dev.jkata.hypervisor.VmConfig;
import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * QEMU driver: chooses the accelerator and agent channel for this host, starts virtiofsd when the
 * shared filesystem is virtio-fs, starts QEMU (never daemonized: we are its parent and see it die) and
 * returns once QMP is up.
 */
public final class Qemu implements Hypervisor {

    private static final System.Logger LOG = System.getLogger(Qemu.class.getName());
    /** Longest unix socket path (sun_path is 108 bytes including the terminating NUL). */
    private static final int MAX_SOCKET_PATH = 107;

    private final Function<AcceleratorChoice, AcceleratorProbe.Decision> acceleratorProbe;
    private final Supplier<OptionalInt> vsockCids;
    private final Supplier<OptionalLong> tscKhz;
    private final Duration startTimeout;

    /** A driver that probes this host (/dev/kvm, /proc/cpuinfo, /dev/vhost-vsock). */
    public Qemu() {
        this(AcceleratorProbe::probe, VhostVsock::allocateCid, HostTsc::probe, Duration.ofSeconds(30));
    }

    Qemu(Function<AcceleratorChoice, AcceleratorProbe.Decision> acceleratorProbe, Supplier<OptionalInt> vsockCids,
            Supplier<OptionalLong> tscKhz, Duration startTimeout) {
        this.acceleratorProbe = acceleratorProbe;
        this.vsockCids = vsockCids;
        this.tscKhz = tscKhz;
        this.startTimeout = startTimeout;
    }

    @Override
    public VirtualMachine start(VmConfig config) throws HypervisorException {
        LaunchPlan plan = plan(config);
        checkInputs(plan);
        List<String> cmd = QemuCommandLine.launch(plan);
        Optional<Process> virtiofsd = Optional.empty();
        Process qemu = null;
        try {
            for (Path s : List.of(plan.qmpSocket(), plan.agentSocket(), plan.virtiofsdSocket())) {
                Files.deleteIfExists(s);
            }
            if (config.sharedFs() instanceof SharedFs.VirtioFs fs) {
                virtiofsd = Optional.of(Virtiofsd.start(fs, plan.virtiofsdSocket(), plan.virtiofsdLog(), startTimeout));
            }
            Files.writeString(plan.qemuLog(), Instant.now() + " " + String.join(" ", cmd) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            LOG.log(Level.DEBUG, "VM " + config.id() + ": " + String.join(" ", cmd));
            qemu = new ProcessBuilder(cmd)
                    .directory(config.stateDir().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(plan.qemuLog().toFile()))
                    .redirectErrorStream(true)
                    .start();
            QmpClient qmp = waitForQmp(qemu, plan);
            AgentEndpoint endpoint = switch (plan.agentChannel()) {
                case LaunchPlan.AgentChannel.Serial s -> new AgentEndpoint.Serial(plan.agentSocket());
                case LaunchPlan.AgentChannel.Vsock v -> new AgentEndpoint.Vsock(v.guestCid(), AgentEndpoint.AGENT_PORT);
            };
            LOG.log(Level.INFO, "VM " + config.id() + ": QEMU pid " + qemu.pid() + " started (" + plan.accelerator()
                    + ", " + plan.machineType() + ", agent on " + endpoint + ")");
            return new QemuVm(config.id(), qemu, virtiofsd, qmp, endpoint, plan.accelerator(), plan.consoleLog());
        } catch (IOException e) {
            cleanup(qemu, virtiofsd);
            throw new HypervisorException("VM " + config.id() + ": cannot start " + config.hypervisorPath(), e);
        } catch (Throwable t) {
            // anything, even an Error, must not leave QEMU or virtiofsd running behind the caller's back
            cleanup(qemu, virtiofsd);
            throw t;
        }
    }

    /** Makes the host-dependent choices for {@code config}. */
    LaunchPlan plan(VmConfig config) {
        AcceleratorProbe.Decision d = acceleratorProbe.apply(config.accelerator());
        LOG.log(Level.INFO, "VM " + config.id() + ": using " + d.accelerator() + ": " + d.reason());
        OptionalInt cid = vsockCids.get();
        LaunchPlan.AgentChannel channel = cid.isPresent()
                ? new LaunchPlan.AgentChannel.Vsock(cid.getAsInt())
                : new LaunchPlan.AgentChannel.Serial();
        if (cid.isEmpty()) {
            LOG.log(Level.DEBUG, "VM " + config.id() + ": no usable /dev/vhost-vsock, agent on virtio-serial");
        }
        return new LaunchPlan(config, d.accelerator(), config.machineType(), channel, tscKhz.get());
    }

    private static void checkInputs(LaunchPlan plan) throws HypervisorException {
        VmConfig c = plan.config();
        if (!Files.isExecutable(c.hypervisorPath()) || Files.isDirectory(c.hypervisorPath())) {
            throw new HypervisorException("hypervisor path " + c.hypervisorPath() + ": not an executable file");
        }
        requireFile("kernel", c.kernel());
        if (c.initrd() != null) {
            requireFile("initrd", c.initrd());
        }
        if (c.image() != null) {
            requireFile("image", c.image());
        }
        if (c.initrd() == null && c.image() == null) {
            throw new HypervisorException("VM " + c.id() + ": expected an initrd or an image, got neither");
        }
        if (c.netns() != null) {
            if (!Files.exists(c.netns())) {
                throw new HypervisorException("VM " + c.id() + ": network namespace " + c.netns() + ": not found");
            }
            if (!Files.isExecutable(QemuCommandLine.NSENTER)) {
                throw new HypervisorException("VM " + c.id() + ": " + QemuCommandLine.NSENTER
                        + " (util-linux) is needed to start QEMU in network namespace " + c.netns());
            }
        }
        if (c.sharedFs() instanceof SharedFs.Virtio9p fs && !Files.isDirectory(fs.sharedDir())) {
            throw new HypervisorException("virtio-9p shared directory " + fs.sharedDir() + ": not a directory");
        }
        try {
            Files.createDirectories(c.stateDir());
        } catch (IOException e) {
            throw new HypervisorException("state directory " + c.stateDir() + ": cannot create", e);
        }
        for (Path s : List.of(plan.qmpSocket(), plan.agentSocket(), plan.virtiofsdSocket())) {
            if (s.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
                throw new HypervisorException("state directory " + c.stateDir() + ": socket path " + s
                        + " is longer than " + MAX_SOCKET_PATH + " bytes");
            }
        }
    }

    private static void requireFile(String what, Path p) throws HypervisorException {
        if (!Files.isRegularFile(p)) {
            throw new HypervisorException(what + " " + p + ": file not found");
        }
    }

    private QmpClient waitForQmp(Process qemu, LaunchPlan plan) throws HypervisorException {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        HypervisorException last = null;
        while (System.nanoTime() < deadline) {
            if (!qemu.isAlive()) {
                Processes.waitFor(qemu, Duration.ofMillis(200));
                throw new HypervisorException("VM " + plan.config().id() + ": QEMU exited with status "
                        + qemu.exitValue() + " during start: " + Processes.tail(plan.qemuLog(), 2000));
            }
            if (Files.exists(plan.qmpSocket())) {
                try {
                    return QmpClient.connect(plan.qmpSocket(), QemuVm.QMP_TIMEOUT);
                } catch (HypervisorException e) {
                    last = e;
                }
            }
            if (!Processes.pause(10)) {
                break;
            }
        }
        throw new HypervisorException("VM " + plan.config().id() + ": QMP " + plan.qmpSocket() + " not up after "
                + startTimeout.toMillis() + " ms: " + Processes.tail(plan.qemuLog(), 2000), last);
    }

    private static void cleanup(Process qemu, Optional<Process> virtiofsd) {
        if (qemu != null) {
            Processes.kill(qemu);
        }
        virtiofsd.ifPresent(Processes::kill);
    }
}
