package dev.jkata.shim.server;

import dev.jkata.shim.ShimException;
import dev.jkata.shim.backend.Backends;
import dev.jkata.shim.cli.DeleteCommand;
import dev.jkata.shim.cli.ShimAddress;
import dev.jkata.shim.cli.ShimFlags;
import dev.jkata.shim.events.EventQueue;
import dev.jkata.shim.events.TtrpcForwarder;
import dev.jkata.shim.io.FifoStdio;
import dev.jkata.shim.io.LogFifoHandler;
import dev.jkata.shim.task.SandboxFactory;
import dev.jkata.shim.task.TaskService;
import dev.jkata.ttrpc.TtrpcServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/** Puts the daemon together: logging, events, task service, ttrpc server; runs until Shutdown. */
public final class ShimWiring {
    private static final System.Logger LOG = System.getLogger(ShimWiring.class.getName());

    /** A daemon that containerd never sends a Create exits after this long. */
    static final Duration IDLE_LIMIT = Duration.ofMinutes(2);

    private ShimWiring() {}

    public static DeleteCommand.Cleaner cleaner() {
        return Backends::cleanup;
    }

    /** The daemon's main loop; returns the process exit status. */
    public static int serve(ShimFlags flags, Path bundle, Map<String, String> env) {
        setupLogging(bundle, flags);
        SandboxFactory factory = Backends.factory(flags.namespace(), env);
        return serve(flags, bundle, env, factory);
    }

    static int serve(ShimFlags flags, Path bundle, Map<String, String> env, SandboxFactory factory) {
        Path socket = flags.socket().map(Path::of)
                .orElseGet(() -> ShimAddress.socketPath(ShimAddress.of(flags.address(), flags.namespace(), flags.id())));
        String ttrpcAddress = env.getOrDefault("TTRPC_ADDRESS", flags.address() + ".ttrpc");
        TtrpcForwarder forwarder = new TtrpcForwarder(ttrpcAddress);
        EventQueue events = new EventQueue(flags.namespace(), forwarder, Clock.systemUTC(), 5, Duration.ofMillis(200));
        TaskService tasks = new TaskService(factory, events, new FifoStdio(), Clock.systemUTC(), Duration.ofSeconds(2));
        CountDownLatch done = new CountDownLatch(1);
        TtrpcServer server = new TtrpcServer();
        new TaskRpc(tasks, env, done::countDown).register(server);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (done.getCount() > 0) {
                LOG.log(System.Logger.Level.WARNING, "shim terminated with the sandbox still up; stopping it");
                tasks.forceShutdown();
            }
        }, "shim-exit"));
        try {
            server.listenUnix(socket);
        } catch (IOException e) {
            System.err.println("cannot serve " + socket + ": " + e.getMessage());
            return 1;
        }
        Thread.ofVirtual().name("shim-idle-guard").start(() -> {
            try {
                Thread.sleep(IDLE_LIMIT);
            } catch (InterruptedException e) {
                return;
            }
            if (!tasks.everCreated() && tasks.shutdown()) {
                LOG.log(System.Logger.Level.WARNING, "no Create within " + IDLE_LIMIT.toSeconds() + " s; exiting");
                done.countDown();
            }
        });
        LOG.log(System.Logger.Level.INFO, "shim " + flags.id() + " serving on " + socket + " (pid "
                + ProcessHandle.current().pid() + ")");
        try {
            done.await();
            events.drain(Duration.ofSeconds(3));
            Thread.sleep(100); // lets the Shutdown response leave
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        events.close();
        forwarder.close();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // best effort
        }
        LOG.log(System.Logger.Level.INFO, "shim " + flags.id() + " exiting");
        return 0;
    }

    private static void setupLogging(Path bundle, ShimFlags flags) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Level level = flags.debug() ? Level.FINE : Level.INFO;
        root.setLevel(level);
        Path fifo = bundle.resolve("log");
        if (Files.exists(fifo)) {
            try {
                LogFifoHandler h = new LogFifoHandler(fifo, flags.id());
                h.setLevel(level);
                root.addHandler(h);
                return;
            } catch (IOException e) {
                System.err.println("cannot open shim log fifo " + fifo + ": " + e.getMessage());
            }
        }
        java.util.logging.ConsoleHandler console = new java.util.logging.ConsoleHandler();
        console.setLevel(level);
        root.addHandler(console);
    }

    static ShimException unavailable(String what) {
        return new ShimException(ShimException.Kind.UNIMPLEMENTED, what);
    }
}
