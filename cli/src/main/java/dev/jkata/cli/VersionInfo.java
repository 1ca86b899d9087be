package dev.jkata.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** jkata's version (from the build) and the OCI runtime spec version it implements. */
record VersionInfo(String version, String commit) {
    static final String OCI_SPEC = "1.1.0";

    static VersionInfo load() {
        Properties p = new Properties();
        try (InputStream in = VersionInfo.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown"
        }
        String v = p.getProperty("version", "");
        String c = p.getProperty("commit", "");
        return new VersionInfo(v.isEmpty() || v.startsWith("${") ? "unknown" : v,
                c.isEmpty() || c.startsWith("${") ? "unknown" : c);
    }

    int[] semver() {
        String core = version.split("[-+]")[0];
        String[] parts = core.split("\\.");
        int[] out = new int[3];
        for (int i = 0; i < 3 && i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                out[i] = 0;
            }
        }
        return out;
    }

    /** The text of {@code kata-runtime --version}, shaped like upstream's. */
    String text() {
        return "kata-runtime  : " + version + " (jkata)\n"
                + "   commit   : " + commit + "\n"
                + "   OCI specs: " + OCI_SPEC + "\n";
    }
}
