package dev.jkata.shim.cli;

import dev.jkata.shim.ShimException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line containerd gives a shim, parsed the way Go's {@code flag} package does:
 * {@code -name value}, {@code -name=value} or {@code --name value}; boolean flags take no value;
 * parsing stops at the first argument that is not a flag (the action: {@code start}, {@code delete},
 * or none for the long-lived daemon).
 */
public record ShimFlags(
        String namespace,
        String address,
        String publishBinary,
        String id,
        Optional<String> bundle,
        Optional<String> socket,
        boolean debug,
        boolean version,
        boolean info,
        Optional<String> action) {

    private static final List<String> STRING_FLAGS =
            List.of("namespace", "address", "publish-binary", "id", "bundle", "socket");
    private static final List<String> BOOL_FLAGS = List.of("debug", "v", "info");

    /** Parses {@code args}; an unknown flag or a missing value is an error naming it. */
    public static ShimFlags parse(String[] args) {
        String namespace = "";
        String address = "";
        String publish = "containerd";
        String id = "";
        String bundle = null;
        String socket = null;
        boolean debug = false;
        boolean version = false;
        boolean info = false;
        List<String> rest = new ArrayList<>();
        int i = 0;
        while (i < args.length) {
            String arg = args[i];
            if (arg.equals("--")) {
                i++;
                break;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                break;
            }
            String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
            String name = body;
            String value = null;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                name = body.substring(0, eq);
                value = body.substring(eq + 1);
            }
            if (BOOL_FLAGS.contains(name)) {
                boolean b = value == null || parseBool(name, value);
                switch (name) {
                    case "debug" -> debug = b;
                    case "v" -> version = b;
                    default -> info = b;
                }
                i++;
                continue;
            }
            if (!STRING_FLAGS.contains(name)) {
                throw ShimException.invalid("unknown flag -" + name + " (expected one of -namespace, -address, "
                        + "-publish-binary, -id, -bundle, -socket, -debug, -v, -info)");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw ShimException.invalid("flag -" + name + " needs a value");
                }
                value = args[i + 1];
                i += 2;
            } else {
                i++;
            }
            switch (name) {
                case "namespace" -> namespace = value;
                case "address" -> address = value;
                case "publish-binary" -> publish = value;
                case "id" -> id = value;
                case "bundle" -> bundle = value;
                default -> socket = value;
            }
        }
        for (; i < args.length; i++) {
            rest.add(args[i]);
        }
        Optional<String> action = rest.isEmpty() ? Optional.empty() : Optional.of(rest.getFirst());
        return new ShimFlags(namespace, address, publish, id, Optional.ofNullable(bundle),
                Optional.ofNullable(socket), debug, version, info, action);
    }

    private static boolean parseBool(String name, String value) {
        return switch (value) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw ShimException.invalid("flag -" + name + " takes true or false, got '" + value + "'");
        };
    }

    /** Throws unless namespace, address and id are set (needed by start, delete and the daemon). */
    public ShimFlags requireIdentity() {
        if (namespace.isEmpty()) {
            throw ShimException.invalid("shim namespace cannot be empty (flag -namespace)");
        }
        if (id.isEmpty()) {
            throw ShimException.invalid("shim id cannot be empty (flag -id)");
        }
        if (address.isEmpty()) {
            throw ShimException.invalid("containerd address cannot be empty (flag -address)");
        }
        return this;
    }

    /** The flags to give the long-lived daemon (no action). */
    public List<String> daemonArgs() {
        List<String> out = new ArrayList<>(List.of(
                "-namespace", namespace, "-address", address, "-publish-binary", publishBinary, "-id", id));
        bundle.ifPresent(b -> out.addAll(List.of("-bundle", b)));
        socket.ifPresent(s -> out.addAll(List.of("-socket", s)));
        if (debug) {
            out.add("-debug");
        }
        return out;
    }
}
