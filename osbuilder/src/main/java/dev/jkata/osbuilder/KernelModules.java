package dev.jkata.osbuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The modules of one unpacked kernel ({@code lib/modules/<version>}): which are loadable (.ko files),
 * which are built in ({@code modules.builtin}), and their dependencies ({@code modules.dep} when the
 * package has one, else each module's own {@code depends=} from its .modinfo section).
 */
public final class KernelModules {
    /** A module to load: its name and its file relative to the modules directory. */
    public record Module(String name, String path) {}

    private final Path dir;
    private final Map<String, String> paths;
    /** Direct dependencies; filled lazily from .modinfo when the package has no modules.dep. */
    private final Map<String, List<String>> deps;
    private final Set<String> builtin;
    /** Soft "pre" dependencies (module names or aliases), read with the hard ones. */
    private final Map<String, List<String>> softPre = new HashMap<>();
    /** alias -> module names providing it; built on first need. */
    private Map<String, List<String>> aliases;
    /** The same for the modules under a crypto/ directory only. */
    private Map<String, List<String>> cryptoAliases;

    KernelModules(Path dir, Map<String, String> paths, Map<String, List<String>> deps, Set<String> builtin) {
        this.dir = dir;
        this.paths = Map.copyOf(paths);
        this.deps = new HashMap<>(deps);
        this.builtin = Set.copyOf(builtin);
    }

    /** Indexes the modules directory {@code dir} ({@code .../lib/modules/<version>}). */
    public static KernelModules scan(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new OsBuilderException("kernel modules directory " + dir + " does not exist");
        }
        Map<String, String> paths = new HashMap<>();
        Map<String, List<String>> deps = new HashMap<>();
        Set<String> builtin = new HashSet<>();
        try {
            Path builtinFile = dir.resolve("modules.builtin");
            if (Files.exists(builtinFile)) {
                for (String line : Files.readAllLines(builtinFile)) {
                    if (!line.isBlank()) {
                        builtin.add(nameOf(line.strip()));
                    }
                }
            }
            List<Path> kos;
            try (Stream<Path> s = Files.walk(dir)) {
                kos = s.filter(p -> p.getFileName().toString().endsWith(".ko")).sorted().toList();
            }
            for (Path ko : kos) {
                paths.put(nameOf(ko.getFileName().toString()), dir.relativize(ko).toString());
            }
            Path depFile = dir.resolve("modules.dep");
            if (Files.exists(depFile)) {
                deps.putAll(parseModulesDep(Files.readAllLines(depFile)));
            }
        } catch (IOException e) {
            throw new OsBuilderException("cannot read kernel modules in " + dir, e);
        }
        return new KernelModules(dir, paths, deps, builtin);
    }

    /** Parses modules.dep lines {@code kernel/a/x.ko: kernel/b/y.ko kernel/c/z.ko} into direct dependencies. */
    static Map<String, List<String>> parseModulesDep(List<String> lines) {
        Map<String, List<String>> deps = new HashMap<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            List<String> d = new ArrayList<>();
            for (String p : line.substring(colon + 1).trim().split("\\s+")) {
                if (!p.isEmpty()) {
                    d.add(nameOf(p));
                }
            }
            deps.put(nameOf(line.substring(0, colon).trim()), d);
        }
        return deps;
    }

    /** The module name of a path such as {@code kernel/fs/9p/9p.ko} (also .ko.xz/.ko.zst names). */
    static String nameOf(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        int ko = base.indexOf(".ko");
        return ModInfo.normalize(ko > 0 ? base.substring(0, ko) : base);
    }

    public boolean isBuiltin(String name) {
        return builtin.contains(ModInfo.normalize(name));
    }

    public boolean isAvailable(String name) {
        String n = ModInfo.normalize(name);
        return builtin.contains(n) || paths.containsKey(n);
    }

    /** The wanted modules that are neither loadable nor built in. */
    public List<String> missing(List<String> wanted) {
        return wanted.stream().filter(w -> !isAvailable(w)).toList();
    }

    /**
     * The loadable modules needed for {@code wanted}, dependencies first, each once; built-in ones are
     * left out. Fails naming the module that is not there.
     */
    public List<Module> loadOrder(List<String> wanted) {
        LinkedHashSet<String> order = new LinkedHashSet<>();
        for (String w : wanted) {
            visit(ModInfo.normalize(w), order, new LinkedHashSet<>(), w);
        }
        return order.stream().map(n -> new Module(n, paths.get(n))).toList();
    }

    /** The direct dependencies of a loadable module. */
    public synchronized List<String> dependencies(String name) {
        String n = ModInfo.normalize(name);
        List<String> d = deps.get(n);
        if (d == null) {
            Path ko = dir.resolve(paths.get(n));
            ModInfo mi = info(ko);
            d = mi.depends();
            deps.put(n, d);
            softPre.put(n, mi.softPre());
        }
        return d;
    }

    /**
     * The soft "pre" dependencies of a module (loaded before it if the kernel has them), as module
     * names: an alias resolves to the module providing it, a {@code *_generic} one preferred.
     */
    public synchronized List<String> softDependencies(String name) {
        String n = ModInfo.normalize(name);
        if (!softPre.containsKey(n)) {
            softPre.put(n, info(dir.resolve(paths.get(n))).softPre());
        }
        List<String> out = new ArrayList<>();
        for (String s : softPre.get(n)) {
            String m = ModInfo.normalize(s);
            if (paths.containsKey(m) || builtin.contains(m)) {
                out.add(m);
                continue;
            }
            // soft dependencies are nearly always crypto algorithms: look there first, it saves reading
            // every module of the kernel
            List<String> crypto = aliasIndex(true).getOrDefault(s, List.of());
            List<String> providers = crypto.isEmpty() ? aliasIndex(false).getOrDefault(s, List.of()) : crypto;
            providers.stream().filter(p -> p.endsWith("_generic")).findFirst()
                    .or(() -> providers.stream().findFirst())
                    .ifPresent(out::add);
        }
        return out;
    }

    private Map<String, List<String>> aliasIndex(boolean cryptoOnly) {
        Map<String, List<String>> index = cryptoOnly ? cryptoAliases : aliases;
        if (index == null) {
            index = new HashMap<>();
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(paths).entrySet()) {
                if (cryptoOnly && !e.getValue().contains("/crypto/")) {
                    continue;
                }
                for (String a : info(dir.resolve(e.getValue())).aliases()) {
                    index.computeIfAbsent(a, k -> new ArrayList<>()).add(e.getKey());
                }
            }
            if (cryptoOnly) {
                cryptoAliases = index;
            } else {
                aliases = index;
            }
        }
        return index;
    }

    private static ModInfo info(Path ko) {
        try {
            return ModInfo.parse(Files.readAllBytes(ko), ko.toString());
        } catch (IOException e) {
            throw new OsBuilderException("cannot read kernel module " + ko, e);
        }
    }

    private void visit(String name, LinkedHashSet<String> order, LinkedHashSet<String> path, String root) {
        if (order.contains(name) || builtin.contains(name)) {
            return;
        }
        if (!paths.containsKey(name)) {
            throw new OsBuilderException("kernel module " + name + (name.equals(root) ? "" : " (needed by " + root + ")")
                    + " is neither a .ko file nor built into this kernel");
        }
        if (!path.add(name)) {
            throw new OsBuilderException("kernel module dependency cycle: " + String.join(" -> ", path) + " -> " + name);
        }
        for (String d : dependencies(name)) {
            visit(d, order, path, root);
        }
        for (String d : softDependencies(name)) {
            if (paths.containsKey(d) && !path.contains(d)) {
                visit(d, order, path, root);
            }
        }
        path.remove(name);
        order.add(name);
    }
}
