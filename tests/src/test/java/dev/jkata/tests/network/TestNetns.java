package dev.jkata.tests.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace made the way CNI's ptp/bridge plugins leave it: a veth pair with {@code eth0}
 * (10.200.N.2/24, default route via .1, one permanent neighbour) inside, the host end (10.200.N.1/24)
 * outside. Names and subnet are unique per instance; {@link #close()} removes everything.
 */
public final class TestNetns implements AutoCloseable {

    public final String name;
    public final String hostVeth;
    public final int subnet;
    public final Path path;

    private TestNetns(String name, String hostVeth, int subnet) {
        this.name = name;
        this.hostVeth = hostVeth;
        this.subnet = subnet;
        this.path = Path.of("/var/run/netns", name);
    }

    public String podIp() {
        return "10.200." + subnet + ".2";
    }

    public String hostIp() {
        return "10.200." + subnet + ".1";
    }

    /** The permanent neighbour entry given to eth0 (no such host exists; it only has to be copied). */
    public String neighbourIp() {
        return "10.200." + subnet + ".9";
    }

    public static final String NEIGHBOUR_MAC = "02:00:00:00:be:ef";

    public static TestNetns create() throws IOException, InterruptedException {
        String tag = Long.toHexString(ThreadLocalRandom.current().nextLong(0x100000, 0xffffff));
        int subnet = freeSubnet("10.200.");
        TestNetns ns = new TestNetns("jkt-net-" + tag, "jkth" + tag, subnet);
        try {
            run("ip", "netns", "add", ns.name);
            run("ip", "link", "add", ns.hostVeth, "type", "veth", "peer", "name", "eth0", "netns", ns.name);
            run("ip", "addr", "add", ns.hostIp() + "/24", "dev", ns.hostVeth);
            run("ip", "link", "set", ns.hostVeth, "up");
            run("ip", "-n", ns.name, "link", "set", "lo", "up");
            run("ip", "-n", ns.name, "addr", "add", ns.podIp() + "/24", "dev", "eth0");
            run("ip", "-n", ns.name, "link", "set", "eth0", "up");
            run("ip", "-n", ns.name, "route", "add", "default", "via", ns.hostIp());
            run("ip", "-n", ns.name, "neigh", "add", ns.neighbourIp(), "lladdr", NEIGHBOUR_MAC, "dev", "eth0",
                    "nud", "permanent");
        } catch (IOException | InterruptedException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** A random N in 100..249 such that no host address starts with {@code prefix + N + "."}. */
    public static int freeSubnet(String prefix) throws IOException, InterruptedException {
        String addrs = run("ip", "-o", "addr", "show");
        for (int tries = 0; tries < 50; tries++) {
            int n = ThreadLocalRandom.current().nextInt(100, 250);
            if (!addrs.contains(prefix + n + ".")) {
                return n;
            }
        }
        throw new IOException("no free " + prefix + "N.0/24 subnet on this host");
    }

    /** Runs a command inside the namespace ({@code ip netns exec}). */
    public String exec(String... argv) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(argv));
        return run(cmd.toArray(String[]::new));
    }

    /** Runs {@code ip}/{@code tc} with {@code -n <name>}: {@code in("tc", "qdisc", …)}. */
    public String in(String tool, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(tool, "-n", name));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    @Override
    public void close() {
        try {
            if (run("ip", "netns", "list").contains(name)) {
                run("ip", "netns", "del", name); // takes eth0 and with it the host end of the pair
            }
        } catch (IOException | InterruptedException e) {
            System.err.println("TestNetns: " + e.getMessage());
        }
        try {
            if (run("ip", "-o", "link", "show").contains(hostVeth + "@")) {
                run("ip", "link", "del", hostVeth);
            }
        } catch (IOException | InterruptedException e) {
            System.err.println("TestNetns: " + e.getMessage());
        }
    }

    /** Runs a host command; its output, or an IOException naming the command, its exit code and output. */
    public static String run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + ": timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + ": exit " + p.exitValue() + ": " + out.trim());
        }
        return out;
    }
}
