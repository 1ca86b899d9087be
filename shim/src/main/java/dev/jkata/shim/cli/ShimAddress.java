package dev.jkata.shim.cli;

import dev.jkata.shim.ShimException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Shim socket addresses as containerd's shim library computes them:
 * {@code unix://<root>/<hex sha256 of clean(containerdAddress/namespace/id)>} with root
 * {@code /run/containerd/s}. Kata gives all containers of a pod the sandbox's address.
 */
public final class ShimAddress {
    /** Directory of shim sockets, as containerd's default state dir + "/s". */
    public static final Path DEFAULT_SOCKET_ROOT = Path.of("/run/containerd/s");
    private static final String UNIX = "unix://";

    private ShimAddress() {}

    /** The address for {@code id} in {@code namespace} under the default socket root. */
    public static String of(String containerdAddress, String namespace, String id) {
        return of(DEFAULT_SOCKET_ROOT, containerdAddress, namespace, id);
    }

    public static String of(Path socketRoot, String containerdAddress, String namespace, String id) {
        if (namespace.isEmpty()) {
            throw ShimException.invalid("namespace is required to compute a shim socket address");
        }
        String joined = cleanJoin(containerdAddress, namespace, id);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8));
            return UNIX + socketRoot + "/" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** The filesystem path of a {@code unix://} address; other schemes are an error naming the address. */
    public static Path socketPath(String address) {
        if (!address.startsWith(UNIX)) {
            throw ShimException.invalid("shim address '" + address + "' is not a unix:// address");
        }
        return Path.of(address.substring(UNIX.length()));
    }

    /** Go's {@code filepath.Join}: join non-empty parts with '/', then clean the result lexically. */
    static String cleanJoin(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (p.isEmpty()) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append('/');
            }
            sb.append(p);
        }
        return clean(sb.toString());
    }

    /** Go's {@code filepath.Clean} for '/'-separated paths. */
    static String clean(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        boolean rooted = path.startsWith("/");
        java.util.ArrayDeque<String> out = new java.util.ArrayDeque<>();
        for (String seg : path.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                if (!out.isEmpty() && !out.peekLast().equals("..")) {
                    out.removeLast();
                } else if (!rooted) {
                    out.addLast("..");
                }
                continue;
            }
            out.addLast(seg);
        }
        String body = String.join("/", out);
        if (rooted) {
            return "/" + body;
        }
        return body.isEmpty() ? "." : body;
    }
}
