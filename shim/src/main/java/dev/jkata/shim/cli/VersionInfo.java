package dev.jkata.shim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Properties;

/** Name, version and commit of this shim, for {@code -v}, {@code --version} and {@code -info}. */
public record VersionInfo(String name, String version, String commit) {
    public static final String RUNTIME_ID = "io.containerd.kata.v2";
    public static final String BINARY = "containerd-shim-kata-v2";

    /** Reads {@code version.properties} from the shim's resources; "unknown" where absent. */
    public static VersionInfo load() {
        Properties p = new Properties();
        try (InputStream in = VersionInfo.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException ignored) {
            // defaults below
        }
        return new VersionInfo(BINARY, p.getProperty("version", "unknown"), p.getProperty("commit", "unknown"));
    }

    /** containerd's shim library format for {@code -v}. */
    public void printContainerdStyle(PrintStream out) {
        out.println(name + ":");
        out.println("  Version:  " + version);
        out.println("  Revision: " + commit);
        out.println("  Java version: " + Runtime.version());
        out.println();
    }

    /** Kata's format for {@code --version}. */
    public void printKataStyle(PrintStream out) {
        out.println(name + " containerd shim (Java): id: \"" + RUNTIME_ID + "\", version: " + version
                + ", commit: " + commit);
    }
}
