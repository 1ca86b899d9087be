package dev.jkata.agent.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of its own holding one tap device, the way the runtime wires a pod: the QEMU
 * driver starts QEMU inside the namespace and opens the tap by name. {@link #close()} deletes the
 * namespace and with it the tap.
 *
 * @param name    the namespace ({@code ip netns} name)
 * @param tapName the tap device inside it
 */
record TapNetwork(String name, String tapName) implements AutoCloseable {

    static final Path IP = Path.of("/usr/sbin/ip");

    /** Root, iproute2 and /dev/net/tun: what creating a namespace with a tap needs. */
    static boolean available() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(IP)
                && Files.exists(Path.of("/dev/net/tun"));
    }

    static TapNetwork create() throws IOException, InterruptedException {
        String name = "jkata-agent-it-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        TapNetwork n = new TapNetwork(name, "tap0");
        ip("netns", "add", name);
        try {
            ip("-n", name, "tuntap", "add", "dev", n.tapName, "mode", "tap");
        } catch (IOException | RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    /** The namespace file QEMU is started in. */
    Path netns() {
        return Path.of("/var/run/netns", name);
    }

    @Override
    public void close() {
        try {
            ip("netns", "del", name);
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove network namespace " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(IP.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": no answer within 30 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + out.strip());
        }
    }
}
