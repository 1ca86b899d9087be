package dev.jkata.runtime.sandbox;

import dev.jkata.hypervisor.Accelerator;
import dev.jkata.hypervisor.AgentEndpoint;
import dev.jkata.hypervisor.Hypervisor;
import dev.jkata.hypervisor.HypervisorException;
import dev.jkata.hypervisor.VirtualMachine;
import dev.jkata.hypervisor.VmConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** A hypervisor whose VMs are objects: the agent endpoint is a socket the test serves. */
final class FakeHypervisor implements Hypervisor {

    private final Path agentSocket;
    volatile VmConfig lastConfig;
    volatile FakeVm lastVm;
    volatile HypervisorException failStart;
    /** What the VMs report: KVM skips the runtime's longer TCG dial floor. */
    volatile Accelerator accelerator = Accelerator.TCG;
    final AtomicInteger started = new AtomicInteger();

    FakeHypervisor(Path agentSocket) {
        this.agentSocket = agentSocket;
    }

    @Override
    public VirtualMachine start(VmConfig config) throws HypervisorException {
        if (failStart != null) {
            throw failStart;
        }
        lastConfig = config;
        started.incrementAndGet();
        Path console = config.stateDir().resolve("console.log");
        try {
            Files.writeString(console, "[    0.000000] Linux version fake\nfake guest booting\n");
        } catch (IOException e) {
            throw new HypervisorException("console log " + console, e);
        }
        lastVm = new FakeVm(agentSocket, console, accelerator);
        return lastVm;
    }

    /** A VM that is "running" until {@link #stop()} or {@link #crash(int)}. */
    static final class FakeVm implements VirtualMachine {
        private final Path socket;
        private final Path console;
        private final Accelerator accelerator;
        final CompletableFuture<Integer> exited = new CompletableFuture<>();
        final AtomicInteger stops = new AtomicInteger();
        volatile boolean paused;

        FakeVm(Path socket, Path console, Accelerator accelerator) {
            this.socket = socket;
            this.console = console;
            this.accelerator = accelerator;
        }

        @Override
        public AgentEndpoint agentEndpoint() {
            return new AgentEndpoint.Serial(socket);
        }

        @Override
        public void pause() {
            paused = true;
        }

        @Override
        public void resume() {
            paused = false;
        }

        @Override
        public void stop() {
            stops.incrementAndGet();
            exited.complete(0);
        }

        void crash(int status) {
            exited.complete(status);
        }

        @Override
        public CompletableFuture<Integer> exited() {
            return exited;
        }

        @Override
        public long pid() {
            return 4_000_000; // above pid_max: never a real process
        }

        @Override
        public Accelerator accelerator() {
            return accelerator;
        }

        @Override
        public String diagnose() {
            return exited.isDone() ? "fake VM gone" : "fake vCPU 0 halted";
        }

        @Override
        public Path consoleLog() {
            return console;
        }
    }
}
