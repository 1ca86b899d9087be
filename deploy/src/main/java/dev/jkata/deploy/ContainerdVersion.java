package dev.jkata.deploy;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The containerd release, which decides the configuration format: 1.x reads config version 2 (CRI
 * plugin {@code io.containerd.grpc.v1.cri}), 2.x reads version 3 (CRI runtime plugin
 * {@code io.containerd.cri.v1.runtime}).
 */
public record ContainerdVersion(int major, int minor) {
    private static final Pattern VERSION = Pattern.compile("^v?(\\d+)\\.(\\d+)(?:[.~+-].*)?$");

    public boolean usesConfigVersion3() {
        return major >= 2;
    }

    /** The configuration file version this containerd writes and expects. */
    public int configVersion() {
        return usesConfigVersion3() ? 3 : 2;
    }

    /** Dotted name of the table that holds the CRI runtimes. */
    public String runtimesTable() {
        return usesConfigVersion3()
                ? "plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes"
                : "plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes";
    }

    /** Name of the plugin whose whole section a 1.x import replaces (see {@link ContainerdConfig}). */
    public String criPlugin() {
        return usesConfigVersion3() ? "io.containerd.cri.v1.runtime" : "io.containerd.grpc.v1.cri";
    }

    /** Parses "1.7", "v2.0.1" or the output of {@code containerd --version}. */
    public static ContainerdVersion parse(String text) throws DeployException {
        String t = text.strip();
        String[] words = t.split("\\s+");
        // "containerd github.com/containerd/containerd v1.7.0 <commit>" or "... 1.6.20~ds1 1.6.20~ds1-1+deb12u3"
        String candidate = words.length >= 3 && words[0].equals("containerd") ? words[2] : t;
        Matcher m = VERSION.matcher(candidate);
        if (!m.matches()) {
            throw new DeployException("containerd version: expected MAJOR.MINOR (e.g. 1.7 or v2.0.1), got \"" + t + "\"");
        }
        return new ContainerdVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** Runs {@code containerd --version}. */
    public static ContainerdVersion detect(String binary) throws DeployException {
        try {
            Process p = new ProcessBuilder(binary, "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new DeployException(binary + " --version failed: " + out);
            }
            return parse(out);
        } catch (IOException e) {
            throw new DeployException("cannot run " + binary + " --version (is containerd installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeployException("interrupted while running " + binary + " --version", e);
        }
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
