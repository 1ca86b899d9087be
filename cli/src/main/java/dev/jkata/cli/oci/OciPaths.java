package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import dev.jkata.cli.Globals;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where the OCI verbs keep a container's files: {@code <root>/<id>/} with {@code state.json} (the container's OCI state, kept after the
 * daemon is gone) and {@code daemon.log}. The default root is {@value #DEFAULT_ROOT_TEXT}
 * (not runc's {@code /run/runc}, so runc and kata-runtime containers never mix); engines pass
 * their own {@code --root}.
 */
record OciPaths(Path root, String id) {

    static final String DEFAULT_ROOT_TEXT = "/run/kata-runtime";
    static final Path DEFAULT_ROOT = Path.of(DEFAULT_ROOT_TEXT);
    /** Where the daemons' sockets are (short paths, see {@link #socket()}). */
    static final Path SOCKET_DIR = Path.of("/run/jkata-oci");
    private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}");

    static Path root(Globals g) {
        return g.root().orElse(DEFAULT_ROOT).toAbsolutePath();
    }

    static OciPaths of(Globals g, String id) throws CliException {
        checkId(id);
        return new OciPaths(root(g), id);
    }

    static void checkId(String id) throws CliException {
        if (id == null || !VALID_ID.matcher(id).matches()) {
            throw new CliException(CliException.FAILURE, "invalid container id \"" + id
                    + "\": expected 1-128 characters of [A-Za-z0-9_.+-], starting with a letter or digit");
        }
    }

    Path dir() {
        return root.resolve(id);
    }

    /**
     * The daemon's socket: {@code /run/jkata-oci/<hash of the container dir>.sock}. Not inside
     * {@code <root>/<id>/}: engines' roots plus 64-digit ids exceed the 107 bytes a unix socket
     * path may have.
     */
    Path socket() {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(dir().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return SOCKET_DIR.resolve(java.util.HexFormat.of().formatHex(h, 0, 12) + ".sock");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    Path state() {
        return dir().resolve("state.json");
    }

    Path log() {
        return dir().resolve("daemon.log");
    }
}
