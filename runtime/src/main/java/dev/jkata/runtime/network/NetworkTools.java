package dev.jkata.runtime.network;

import dev.jkata.runtime.storage.HostMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How networking reaches the system: a command runner inside a namespace, one in the caller's namespace
 * (for {@code ip netns add/del}) and a test for whether a namespace file exists. {@link #real()} uses
 * nsenter and iproute2; unit tests pass fakes.
 *
 * @param inNetns a runner for commands inside the given namespace
 * @param host a runner for commands in the caller's namespace
 * @param netnsExists whether a namespace file is (still) there
 */
public record NetworkTools(Function<Path, CommandRunner> inNetns, CommandRunner host, Predicate<Path> netnsExists) {

    public NetworkTools {
        Objects.requireNonNull(inNetns, "inNetns");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(netnsExists, "netnsExists");
    }

    /** nsenter + iproute2 on this host. */
    public static NetworkTools real() {
        return new NetworkTools(NsenterRunner::new, new HostRunner(), NetworkTools::isNetns);
    }

    /**
     * Whether {@code p} is a usable network namespace: a {@code /proc/…/ns/net} link, or a file with an
     * nsfs (older kernels: proc) mount on it. A file left behind after its namespace was unmounted (an
     * interrupted {@code ip netns del} or CNI DEL) is not: nothing can enter it, so clean-up skips it.
     */
    static boolean isNetns(Path p) {
        if (!Files.exists(p)) {
            return false;
        }
        if (p.startsWith("/proc")) {
            return true;
        }
        Path real;
        try {
            real = p.toRealPath();
        } catch (java.io.IOException e) {
            return false;
        }
        return HostMounts.at(real).map(e -> e.fstype().equals("nsfs") || e.fstype().equals("proc")).orElse(false);
    }
}
