package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import dev.jkata.cli.Invocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** ps, list, events and update. */
final class Queries {

    private static final long OOM_POLL_MILLIS = 1000;

    private Queries() {
    }

    /**
     * ps [--format table|json] ID [PS-ARGS…]. json: the host pids that stand for the container's
     * processes (the pid-file processes), which is what containerd-shim-runc-v2's Pids and so
     * {@code docker top} use — Docker then filters the host's {@code ps -ef} by them, so guest pids
     * would name unrelated host processes. table: the container's own processes as the guest
     * lists them ({@link ProcessList}; runc's default options {@code -ef}).
     */
    static int ps(Invocation inv, List<String> args) throws CliException {
        Flags f = Flags.parse("ps", args, "format|f=");
        if (f.positional().isEmpty()) {
            throw CliException.usage("ps: expected ID [PS-ARGS...]");
        }
        String id = f.positional().getFirst();
        List<Object> psArgs = new ArrayList<>(f.positional().subList(1, f.positional().size()));
        if (!psArgs.isEmpty() && psArgs.getFirst().equals("--")) {
            psArgs.removeFirst();
        }
        String format = format("ps", f);
        if (format.equals("json") && !psArgs.isEmpty()) {
            throw CliException.usage("ps: ps options " + psArgs + " cannot be used with --format json");
        }
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("format", format);
        req.put("args", psArgs);
        Map<String, Object> reply = Lifecycle.request(OciPaths.of(inv.globals(), id), "ps", req);
        if (format.equals("json")) {
            List<?> pids = reply.get("pids") instanceof List<?> l ? l : List.of();
            inv.out().println(JsonText.write(pids));
        } else {
            inv.out().print(String.valueOf(reply.getOrDefault("table", "")));
        }
        return 0;
    }

    /** list [--format table|json] [--quiet]: every container under --root. */
    static int list(Invocation inv, List<String> args) throws CliException {
        Flags f = Flags.parse("list", args, "format|f=", "quiet|q");
        String format = format("list", f);
        Path root = OciPaths.root(inv.globals());
        List<OciState> states = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
                for (Path d : dirs) {
                    if (Files.isRegularFile(d.resolve("state.json"))) {
                        try {
                            states.add(Lifecycle.current(new OciPaths(root, d.getFileName().toString())));
                        } catch (CliException e) {
                            // removed meanwhile, or not ours: skip as runc does
                        }
                    }
                }
            } catch (IOException e) {
                throw new CliException(CliException.FAILURE, "list: reading " + root + ": " + e.getMessage(), e);
            }
        }
        states.sort((a, b) -> a.id().compareTo(b.id()));
        if (f.on("quiet")) {
            states.forEach(s -> inv.out().println(s.id()));
        } else if (format.equals("json")) {
            List<Object> out = new ArrayList<>();
            states.forEach(s -> out.add(s.ociJson()));
            inv.out().println(JsonText.write(out));
        } else {
            inv.out().print(table(states));
        }
        return 0;
    }

    static String table(List<OciState> states) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"});
        for (OciState s : states) {
            rows.add(new String[] {s.id(), String.valueOf(s.status().equals("stopped") ? 0 : s.pid()), s.status(),
                s.bundle(), s.created(), "root"});
        }
        int[] width = new int[6];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                sb.append(i == r.length - 1 ? r[i] : String.format("%-" + (width[i] + 3) + "s", r[i]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * events [--stats] [--interval 5s] ID: with --stats one stats object; else, as runc, a stats
     * object every interval and an {@code {"type":"oom","id":ID}} object for each OOM kill the
     * agent reports (looked for every second), until the container is gone.
     */
    static int events(Invocation inv, List<String> args) throws CliException {
        Flags f = Flags.parse("events", args, "stats", "interval=");
        String id = f.id("events");
        OciPaths paths = OciPaths.of(inv.globals(), id);
        long intervalMillis = duration(f.value("interval").orElse("5s"));
        if (intervalMillis <= 0) {
            throw CliException.usage("events: --interval must be positive, got " + f.value("interval").orElse(""));
        }
        long pollMillis = Math.min(intervalMillis, OOM_POLL_MILLIS);
        long seenOoms = -1;
        long nextStats = 0;
        while (true) {
            Map<String, Object> reply;
            try {
                reply = Lifecycle.request(paths, "stats", Map.of());
            } catch (CliException e) {
                if (seenOoms >= 0) {
                    return 0; // the container went away while we watched it
                }
                throw e;
            }
            long ooms = reply.get("ooms") instanceof Number n ? n.longValue() : 0;
            if (f.on("stats")) {
                inv.out().println(JsonText.write(reply.get("event")));
                return 0;
            }
            for (long i = Math.max(seenOoms, 0); seenOoms >= 0 && i < ooms; i++) {
                inv.out().println(JsonText.write(oomEvent(id)));
            }
            seenOoms = ooms;
            long now = System.nanoTime();
            if (now >= nextStats) {
                inv.out().println(JsonText.write(reply.get("event")));
                nextStats = now + TimeUnit.MILLISECONDS.toNanos(intervalMillis);
            }
            inv.out().flush();
            try {
                TimeUnit.MILLISECONDS.sleep(pollMillis);
            } catch (InterruptedException e) {
                return 0;
            }
        }
    }

    static Map<String, Object> oomEvent(String id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "oom");
        m.put("id", id);
        return m;
    }

    /** update [--resources FILE|-] [--memory …] ID. */
    static int update(Invocation inv, List<String> args) throws CliException {
        Flags f = Flags.parse("update", args, "resources|r=", "memory=", "memory-reservation=", "memory-swap=",
                "kernel-memory=", "kernel-memory-tcp=", "cpu-shares=", "cpu-quota=", "cpu-period=", "cpu-rt-period=",
                "cpu-rt-runtime=", "cpuset-cpus=", "cpuset-mems=", "pids-limit=", "blkio-weight=", "l3-cache-schema=",
                "mem-bw-schema=");
        String id = f.id("update");
        Map<String, Object> resources = new LinkedHashMap<>();
        if (f.value("resources").isPresent()) {
            String file = f.value("resources").get();
            String text;
            try {
                text = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                        : Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliException(CliException.FAILURE, "update: reading --resources " + file + ": " + e.getMessage(), e);
            }
            resources.putAll(JsonText.parseObject(text, "--resources " + file));
        }
        Map<String, Object> memory = section(resources, "memory");
        putBytes(f, "memory", memory, "limit");
        putBytes(f, "memory-reservation", memory, "reservation");
        putBytes(f, "memory-swap", memory, "swap");
        Map<String, Object> cpu = section(resources, "cpu");
        f.number("update", "cpu-shares").ifPresent(v -> cpu.put("shares", v));
        f.number("update", "cpu-quota").ifPresent(v -> cpu.put("quota", v));
        f.number("update", "cpu-period").ifPresent(v -> cpu.put("period", v));
        f.value("cpuset-cpus").ifPresent(v -> cpu.put("cpus", v));
        f.value("cpuset-mems").ifPresent(v -> cpu.put("mems", v));
        Map<String, Object> pids = section(resources, "pids");
        f.number("update", "pids-limit").ifPresent(v -> pids.put("limit", v));
        Resources.fromJson(resources); // validates before the daemon sees it
        Lifecycle.request(OciPaths.of(inv.globals(), id), "update", Map.of("resources", resources));
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> resources, String key) {
        Object o = resources.get(key);
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        resources.put(key, m);
        return m;
    }

    private static void putBytes(Flags f, String flag, Map<String, Object> into, String key) throws CliException {
        if (f.value(flag).isPresent()) {
            into.put(key, bytes(flag, f.value(flag).get()));
        }
    }

    /** "512m", "1g", "1048576", "-1" → bytes. */
    static long bytes(String flag, String text) throws CliException {
        String s = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("-1")) {
            return -1;
        }
        long mult = 1;
        if (s.endsWith("b")) {
            s = s.substring(0, s.length() - 1);
        }
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'k' -> mult = 1L << 10;
                case 'm' -> mult = 1L << 20;
                case 'g' -> mult = 1L << 30;
                case 't' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult != 1) {
                s = s.substring(0, s.length() - 1);
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(s), mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw CliException.usage("update: --" + flag + ": expected a size like 512m or 1g, got \"" + text + "\"");
        }
    }

    /** "5s", "500ms", "1m" → milliseconds. */
    static long duration(String text) throws CliException {
        String s = text.trim();
        try {
            if (s.endsWith("ms")) {
                return Long.parseLong(s.substring(0, s.length() - 2));
            }
            if (s.endsWith("s")) {
                return Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000);
            }
            if (s.endsWith("m")) {
                return Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 60_000);
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw CliException.usage("events: --interval: expected a duration like 5s or 500ms, got \"" + text + "\"");
    }

    private static String format(String verb, Flags f) throws CliException {
        String format = f.value("format").orElse("table");
        if (!format.equals("table") && !format.equals("json")) {
            throw CliException.usage(verb + ": --format: expected table or json, got \"" + format + "\"");
        }
        return format;
    }
}
