package dev.jkata.agent;

import dev.jkata.agent.rpc.AgentEnv;
import dev.jkata.agent.rpc.AgentService;
import dev.jkata.sys.FdServerSocket;
import dev.jkata.sys.FdSocket;
import dev.jkata.sys.Vsock;
import dev.jkata.ttrpc.Connection;
import dev.jkata.ttrpc.TtrpcServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * kata-agent: serves grpc.AgentService and grpc.Health to the host over vsock port 1024 or
 * the virtio-serial port agent.channel.0. {@code --self-test [--namespaced]} exercises the main
 * paths on a temporary unix socket and exits (used to train the AOT cache).
 */
public final class Main {

    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String startedAt = uptime();
        if (args.length > 0 && args[0].equals("--self-test")) {
            // --namespaced: the caller runs us in private mount and UTS namespaces (AOT training)
            System.exit(SelfTest.run(args.length > 1 && args[1].equals("--namespaced")));
            return;
        }
        if (args.length > 0 && (args[0].equals("--version") || args[0].equals("-v"))) {
            System.out.println("kata-agent version " + AgentEnv.VERSION);
            return;
        }
        AgentOptions options;
        try {
            options = AgentOptions.parse(Files.readString(Path.of("/proc/cmdline")));
        } catch (AgentException | IOException e) {
            LOG.log(System.Logger.Level.WARNING, "kernel command line: " + e.getMessage() + "; using defaults");
            options = AgentOptions.defaults();
        }
        for (String u : options.unknown()) {
            LOG.log(System.Logger.Level.WARNING, "unknown kernel parameter " + u + " ignored");
        }
        if (options.logVport() != 0) {
            LOG.log(System.Logger.Level.INFO, "agent.log_vport=" + options.logVport()
                    + " not supported yet: logging to the console");
        }
        if (options.debugConsole()) {
            // the guest's /init starts the shell: a second one would fight over the console
            LOG.log(System.Logger.Level.INFO, "agent.debug_console: the shell on the console comes from /init");
        }
        if (options.containerPipeSize() != 0) {
            LOG.log(System.Logger.Level.INFO, "agent.container_pipe_size=" + options.containerPipeSize()
                    + " noted; container pipes keep the kernel default size");
        }
        String optionsAt = uptime();
        AgentChannel channel = AgentChannel.select(Path.of("/sys"), Path.of("/dev"), Duration.ofSeconds(10));
        String channelAt = uptime();
        TtrpcServer server = new TtrpcServer(Thread.ofPlatform().daemon().name("rpc-", 0).factory());
        AgentEnv env = AgentEnv.guest();
        new AgentService(env).register(server);
        String registeredAt = uptime();
        switch (channel) {
            case AgentChannel.Serial s -> server.serveSerial(s.device());
            case AgentChannel.Vsock v -> listenVsock(server, v.port());
        }
        System.err.println("agent ready on " + channel + " (guest uptime: main " + startedAt + " s, ready "
                + uptime() + " s" + (env.runtime().noPivot() ? "; the root is the initramfs: crun --no-pivot" : "")
                + ")");
        LOG.log(System.Logger.Level.DEBUG, "start-up: options at " + optionsAt + " s, channel at " + channelAt
                + " s, services registered at " + registeredAt + " s");
        server.awaitClosed();
    }

    private static String uptime() {
        try {
            return Files.readString(Path.of("/proc/uptime")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static void listenVsock(TtrpcServer server, int port) {
        FdServerSocket listener = Vsock.listen(port);
        Thread.ofPlatform().name("vsock-accept").start(() -> {
            while (!server.isClosed()) {
                try {
                    FdSocket s = listener.accept();
                    server.serve(Connection.of("vsock:" + port, s.input(), s.output(), s));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "vsock accept on port " + port + ": " + e.getMessage());
                    return;
                }
            }
        });
    }

}
