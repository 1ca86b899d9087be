package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The flags of one OCI verb, parsed as runc's command-line library does: {@code -name} or
 * {@code --name}, a value as the next argument or after {@code =}; flags end at the first
 * positional argument or at {@code --}.
 *
 * <p>A verb declares its flags as strings: {@code "bundle|b="} takes a value, {@code "env|e=*"}
 * takes a value and may repeat, {@code "detach|d"} is a switch (also accepts {@code =true}/{@code =false}).
 */
final class Flags {

    private record Spec(String name, boolean value, boolean repeat) {
    }

    private final Map<String, List<String>> values;
    private final List<String> positional;

    private Flags(Map<String, List<String>> values, List<String> positional) {
        this.values = values;
        this.positional = positional;
    }

    static Flags parse(String verb, List<String> args, String... declared) throws CliException {
        Map<String, Spec> byName = new HashMap<>();
        for (String d : declared) {
            boolean repeat = d.endsWith("=*");
            boolean value = repeat || d.endsWith("=");
            String names = d.replace("=*", "").replace("=", "");
            String[] parts = names.split("\\|");
            Spec spec = new Spec(parts[0], value, repeat);
            for (String p : parts) {
                byName.put(p, spec);
            }
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        int i = 0;
        for (; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                i++;
                break;
            }
            if (!a.startsWith("-") || a.equals("-")) {
                break;
            }
            String body = a.startsWith("--") ? a.substring(2) : a.substring(1);
            int eq = body.indexOf('=');
            String name = eq >= 0 ? body.substring(0, eq) : body;
            Spec spec = byName.get(name);
            if (spec == null) {
                throw CliException.usage(verb + ": unknown flag \"" + a + "\" (expected one of "
                        + String.join(", ", declaredNames(declared)) + ")");
            }
            String v;
            if (spec.value) {
                if (eq >= 0) {
                    v = body.substring(eq + 1);
                } else if (i + 1 < args.size()) {
                    v = args.get(++i);
                } else {
                    throw CliException.usage(verb + ": flag " + a + " needs a value");
                }
            } else {
                v = eq >= 0 ? body.substring(eq + 1) : "true";
                if (!v.equals("true") && !v.equals("false")) {
                    throw CliException.usage(verb + ": flag " + a + ": expected true or false, got \"" + v + "\"");
                }
            }
            List<String> list = values.computeIfAbsent(spec.name, k -> new ArrayList<>());
            if (!spec.repeat) {
                list.clear();
            }
            list.add(v);
        }
        positional.addAll(args.subList(i, args.size()));
        return new Flags(values, positional);
    }

    private static List<String> declaredNames(String[] declared) {
        List<String> out = new ArrayList<>();
        for (String d : declared) {
            out.add("--" + d.replace("=*", "").replace("=", "").split("\\|")[0]);
        }
        return out;
    }

    /** True when the switch was given (and not {@code =false}). */
    boolean on(String name) {
        List<String> l = values.get(name);
        return l != null && !l.isEmpty() && !l.getLast().equals("false");
    }

    Optional<String> value(String name) {
        List<String> l = values.get(name);
        return l == null || l.isEmpty() ? Optional.empty() : Optional.of(l.getLast());
    }

    List<String> values(String name) {
        return values.getOrDefault(name, List.of());
    }

    List<String> positional() {
        return positional;
    }

    /** The single container id argument (runc: "requires exactly 1 argument"). */
    String id(String verb) throws CliException {
        if (positional.size() != 1) {
            throw CliException.usage(verb + ": expected exactly one argument, the container id, got "
                    + positional.size() + (positional.isEmpty() ? "" : " " + positional));
        }
        return positional.getFirst();
    }

    /** The first positional argument as the container id; the rest stay in {@link #positional()}. */
    String firstId(String verb) throws CliException {
        if (positional.isEmpty()) {
            throw CliException.usage(verb + ": missing the container id");
        }
        return positional.getFirst();
    }

    /** A numeric flag value. */
    Optional<Long> number(String verb, String name) throws CliException {
        Optional<String> v = value(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(v.get().trim()));
        } catch (NumberFormatException e) {
            throw CliException.usage(verb + ": --" + name + ": expected a number, got \"" + v.get() + "\"");
        }
    }
}
