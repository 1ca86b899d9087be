package dev.jkata.runtime.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds and loads Kata's configuration.
 *
 * <p>Lookup, first match wins: the explicit path (shim runtime option {@code ConfigPath}, CLI
 * {@code --config}) &gt; environment {@code KATA_CONF_FILE} &gt; the search paths
 * ({@link #DEFAULT_SEARCH_PATHS}). An explicit or environment path must exist. Then every
 * {@code config.d/*.toml} next to the chosen file is merged over it in file-name order: later files win,
 * tables are merged key by key.
 */
public final class ConfigLoader {

    private static final System.Logger LOG = System.getLogger(ConfigLoader.class.getName());

    /** Environment variable naming the configuration file (as upstream). */
    public static final String ENV_CONF_FILE = "KATA_CONF_FILE";

    /** Where Kata looks when no path is given, in order. */
    public static final List<Path> DEFAULT_SEARCH_PATHS = List.of(
            Path.of("/etc/kata-containers/configuration.toml"),
            Path.of("/usr/share/defaults/kata-containers/configuration.toml"),
            Path.of("/opt/kata/share/defaults/kata-containers/configuration.toml"));

    /** Name of the drop-in directory beside the configuration file. */
    public static final String DROP_IN_DIR = "config.d";

    private ConfigLoader() {
    }

    /** {@link #load(Optional, Map, List)} with {@link #DEFAULT_SEARCH_PATHS}. */
    public static LoadedConfig load(Optional<Path> explicit, Map<String, String> env) throws ConfigException {
        return load(explicit, env, DEFAULT_SEARCH_PATHS);
    }

    /** Locates the file (see the class comment), merges its drop-ins and parses the result. */
    public static LoadedConfig load(Optional<Path> explicit, Map<String, String> env, List<Path> searchPaths)
            throws ConfigException {
        return loadFile(locate(explicit, env, searchPaths));
    }

    /** The file the lookup order selects. */
    public static Path locate(Optional<Path> explicit, Map<String, String> env, List<Path> searchPaths)
            throws ConfigException {
        if (explicit.isPresent() && !explicit.get().toString().isBlank()) {
            return requireFile(explicit.get(), "explicit configuration path");
        }
        String fromEnv = env.get(ENV_CONF_FILE);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return requireFile(Path.of(fromEnv), ENV_CONF_FILE);
        }
        for (Path p : searchPaths) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new ConfigException("no configuration file found: looked for " + searchPaths
                + " (set " + ENV_CONF_FILE + " or pass a path)");
    }

    /** Loads {@code file} and its {@code config.d/*.toml} drop-ins. */
    public static LoadedConfig loadFile(Path file) throws ConfigException {
        requireFile(file, "configuration file");
        ObjectNode root = read(file);
        List<Path> dropIns = dropIns(file);
        Map<String, Path> origins = new HashMap<>();
        for (Path d : dropIns) {
            merge(root, read(d), d, "", origins);
        }
        ConfigParser.Result r = new ConfigParser(root, file,
                (table, key) -> origins.getOrDefault(table + "\u0000" + key, file)).parse();
        for (String k : r.ignoredKeys()) {
            LOG.log(Level.DEBUG, file + ": " + k + " is not used by jkata, ignored");
        }
        LOG.log(Level.DEBUG, "configuration " + file + (dropIns.isEmpty() ? "" : " + " + dropIns));
        return new LoadedConfig(file, dropIns, r.config(), r.ignoredKeys());
    }

    /** The drop-ins of {@code file} in the order they apply. */
    static List<Path> dropIns(Path file) throws ConfigException {
        Path parent = file.toAbsolutePath().getParent();
        Path dir = parent == null ? null : parent.resolve(DROP_IN_DIR);
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.toml")) {
            for (Path p : ds) {
                if (Files.isRegularFile(p)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new ConfigException(dir + ": cannot list drop-in files", e);
        }
        out.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return List.copyOf(out);
    }

    static ObjectNode read(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read", e);
        }
        try {
            JsonNode tree = new TomlMapper().readTree(text);
            if (tree == null || tree.isMissingNode()) {
                return new TomlMapper().createObjectNode();
            }
            if (!(tree instanceof ObjectNode o)) {
                throw new ConfigException(file + ": expected TOML tables and keys");
            }
            return o;
        } catch (JacksonException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
            throw new ConfigException(file + ": invalid TOML" + where + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Merges {@code over} into {@code base}: tables key by key, anything else replaced. */
    static void merge(ObjectNode base, ObjectNode over, Path overFile, String table, Map<String, Path> origins) {
        for (Map.Entry<String, JsonNode> e : over.properties()) {
            String key = e.getKey();
            JsonNode mine = base.get(key);
            String sub = table.isEmpty() ? key : table + "." + key;
            if (mine instanceof ObjectNode mt && e.getValue() instanceof ObjectNode ot) {
                merge(mt, ot, overFile, sub, origins);
            } else {
                base.set(key, e.getValue().deepCopy());
                origins.put(table + "\u0000" + key, overFile);
                if (e.getValue() instanceof ObjectNode ot) {
                    markOrigin(ot, sub, overFile, origins);
                }
            }
        }
    }

    private static void markOrigin(ObjectNode node, String table, Path file, Map<String, Path> origins) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            origins.put(table + "\u0000" + e.getKey(), file);
            if (e.getValue() instanceof ObjectNode o) {
                markOrigin(o, table + "." + e.getKey(), file, origins);
            }
        }
    }

    private static Path requireFile(Path p, String what) throws ConfigException {
        if (!Files.isRegularFile(p)) {
            throw new ConfigException(what + " " + p + ": file not found");
        }
        return p;
    }
}
