package dev.jkata.ttrpc;

import com.google.protobuf.Empty;
import dev.jkata.proto.task.CreateTaskRequest;
import dev.jkata.proto.task.ShutdownRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A just-enough containerd shim v2 for {@link GoClientIT}: containerd's Go ttrpc client calls
 * our {@link TtrpcServer}. {@code start} launches {@code serve} in the background and prints its
 * address; {@code serve} records each Create it decodes and refuses it with a status;
 * {@code delete} prints an empty DeleteResponse. The test directory comes in JKATA_IT_DIR.
 */
public final class MiniShim {

    static final String REFUSAL = "jkata-it refuses to create ";

    private MiniShim() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(System.getenv("JKATA_IT_DIR"));
        String action = args[args.length - 1];
        String id = valueOf(args, "-id");
        switch (action) {
            case "start" -> start(dir, id);
            case "delete" -> System.exit(0);
            default -> {
                if (args.length == 2 && args[0].equals("serve")) {
                    serve(dir, Path.of(args[1]));
                } else {
                    System.err.println("mini shim: unexpected arguments " + List.of(args));
                    System.exit(2);
                }
            }
        }
    }

    private static String valueOf(String[] args, String flag) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(flag)) {
                return args[i + 1];
            }
        }
        return "unknown";
    }

    private static void start(Path dir, String id) throws Exception {
        Path sock = dir.resolve("shim-" + id.hashCode() + ".sock");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), MiniShim.class.getName(), "serve", sock.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("shim-serve.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        Instant deadline = Instant.now().plusSeconds(20);
        while (!Files.exists(sock)) {
            if (Instant.now().isAfter(deadline)) {
                System.err.println("mini shim: server socket " + sock + " did not appear");
                System.exit(1);
            }
            Thread.sleep(20);
        }
        System.out.print("unix://" + sock);
        System.out.flush();
        System.exit(0);
    }

    private static void serve(Path dir, Path sock) throws Exception {
        Path record = dir.resolve("received.txt");
        TtrpcServer server = new TtrpcServer();
        server.register("containerd.task.v2.Task", "Create", CreateTaskRequest.parser(), (CreateTaskRequest r, CallContext ctx) -> {
            String line = "create id=" + r.getId() + " bundle=" + r.getBundle() + " deadline=" + ctx.deadline().isPresent()
                    + " metadata=" + ctx.metadata().keySet() + "\n";
            Files.writeString(record, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            throw new TtrpcException(Code.FAILED_PRECONDITION, REFUSAL + r.getId());
        });
        server.register("containerd.task.v2.Task", "Shutdown", ShutdownRequest.parser(), (ShutdownRequest r) -> {
            Thread.ofPlatform().start(() -> {
                sleep(Duration.ofMillis(200));
                server.close();
            });
            return Empty.getDefaultInstance();
        });
        server.listenUnix(sock);
        // never outlive the test
        if (!server.awaitClosed(Duration.ofSeconds(60))) {
            server.close();
        }
        System.exit(0);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
