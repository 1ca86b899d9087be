package dev.jkata.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Registers the {@code kata} and {@code kata-qemu} CRI runtime handlers with containerd through a
 * drop-in file listed in the main config's {@code imports}, leaving every other line of the main
 * config as it was.
 *
 * <p>containerd 1.x merges an imported file by whole plugin section: a drop-in that names the CRI
 * plugin replaces the main config's CRI section. So for 1.x the drop-in carries a copy of the main
 * config's CRI section plus our runtimes (re-run {@code kata-deploy install} after editing that
 * section). containerd 2.x merges key by key, so its drop-in holds only our runtimes.
 */
final class ContainerdConfig {
    static final List<String> HANDLERS = List.of("kata", "kata-qemu");

    private ContainerdConfig() {
    }

    /** The edits: the drop-in, and the main config when its imports do not list the drop-in yet. */
    static List<FileEdit> plan(DeployPaths paths, ContainerdVersion version, Optional<String> mainText)
            throws DeployException {
        Path mainFile = paths.containerdConfig();
        String dropIn = paths.unrooted(paths.containerdDropIn()).toString();
        ObjectNode main = mainText.isPresent() ? TomlFiles.parse(mainFile, mainText.get()) : TomlFiles.newTable();
        checkVersion(mainFile, version, main, mainText.isPresent());

        List<FileEdit> edits = new ArrayList<>();
        edits.add(new FileEdit(paths.containerdDropIn(), dropInText(paths, version, main)));
        List<String> imports = imports(mainFile, main);
        if (imports.stream().noneMatch(pattern -> matches(pattern, dropIn))) {
            String newMain = mainText.isPresent()
                    ? withImport(mainText.get(), imports, dropIn)
                    : "version = " + version.configVersion() + "\nimports = [" + TomlWriter.string(dropIn) + "]\n";
            edits.add(new FileEdit(mainFile, newMain));
        }
        return edits;
    }

    private static void checkVersion(Path file, ContainerdVersion version, ObjectNode main, boolean exists)
            throws DeployException {
        if (!exists) {
            return;
        }
        JsonNode v = main.get("version");
        int configVersion = v == null ? 1 : v.asInt(-1);
        if (v != null && !v.isIntegralNumber()) {
            throw new DeployException(file + ": version: expected an integer, got " + v);
        }
        boolean ok = version.usesConfigVersion3() ? configVersion == 2 || configVersion == 3 : configVersion == 2;
        if (!ok) {
            throw new DeployException(file + ": version " + configVersion + " is not supported with containerd "
                    + version + " (expected version " + version.configVersion()
                    + "; convert it with `containerd config migrate`)");
        }
    }

    static String dropInText(DeployPaths paths, ContainerdVersion version, ObjectNode main) throws DeployException {
        Path file = paths.containerdConfig();
        ObjectNode doc = TomlFiles.newTable();
        doc.put("version", version.configVersion());
        ObjectNode plugins = doc.putObject("plugins");
        ObjectNode cri;
        if (version.usesConfigVersion3()) {
            cri = plugins.putObject(version.criPlugin());
        } else {
            JsonNode existing = main.path("plugins").path(version.criPlugin());
            if (!existing.isMissingNode() && !existing.isObject()) {
                throw new DeployException(file + ": plugins.\"" + version.criPlugin() + "\": expected a table");
            }
            cri = existing.isObject() ? ((ObjectNode) existing).deepCopy() : plugins.objectNode();
            plugins.set(version.criPlugin(), cri);
        }
        ObjectNode runtimes = TomlFiles.table(file, cri, "containerd", "runtimes");
        keepDefaultRunc(main, version, runtimes);
        for (String handler : HANDLERS) {
            ObjectNode r = runtimes.putObject(handler);
            r.put("runtime_type", "io.containerd.kata.v2");
            r.put("privileged_without_host_devices", true);
            r.putArray("pod_annotations").add("io.katacontainers.*");
            r.putObject("options").put("ConfigPath", paths.qemuConfigPath());
        }
        String header = "# Written by kata-deploy (jkata) and removed by `kata-deploy uninstall`.\n"
                + "# Imported from " + paths.unrooted(file) + "; registers the CRI runtime handlers "
                + String.join(", ", HANDLERS) + ".\n"
                + (version.usesConfigVersion3() ? ""
                        : "# containerd 1.x replaces a whole plugin section on import, so this file repeats the\n"
                                + "# CRI section of " + paths.unrooted(file)
                                + ": run `kata-deploy install` again after changing it there.\n");
        return header + TomlWriter.write(doc);
    }

    /**
     * containerd's built-in {@code runc} runtime lives in the plugin's default config; a config file that
     * defines any runtime replaces that map (1.x on import, and on decode), which would leave the default
     * runtime name pointing at nothing. So when the main config does not define runc itself and runc is
     * the default runtime, the drop-in declares it as containerd's default does.
     */
    private static void keepDefaultRunc(ObjectNode main, ContainerdVersion version, ObjectNode runtimes) {
        JsonNode containerd = main.path("plugins").path(version.criPlugin()).path("containerd");
        String defaultName = containerd.path("default_runtime_name").asText("runc");
        if (defaultName.equals("runc") && !runtimes.has("runc") && !containerd.path("runtimes").has("runc")) {
            runtimes.putObject("runc").put("runtime_type", "io.containerd.runc.v2");
        }
    }

    private static List<String> imports(Path file, ObjectNode main) throws DeployException {
        JsonNode node = main.get("imports");
        List<String> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        if (!node.isArray()) {
            throw new DeployException(file + ": imports: expected an array of paths, got " + node.getNodeType());
        }
        for (JsonNode e : (ArrayNode) node) {
            if (!e.isTextual()) {
                throw new DeployException(file + ": imports: expected strings, got " + e);
            }
            out.add(e.textValue());
        }
        return out;
    }

    /** containerd expands imports with filepath.Glob; a glob that already covers the drop-in is enough. */
    private static boolean matches(String pattern, String path) {
        if (pattern.equals(path)) {
            return true;
        }
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + pattern).matches(Path.of(path));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Adds the drop-in to the top-level {@code imports} (last, so its CRI section wins), editing only that
     * key: an existing {@code imports = [...]} (possibly spanning lines) is rewritten in place; otherwise
     * the key goes after the top-level {@code version} line, or first.
     */
    static String withImport(String text, List<String> existing, String dropIn) {
        List<String> all = new ArrayList<>();
        for (String s : existing) {
            all.add(TomlWriter.string(s));
        }
        all.add(TomlWriter.string(dropIn));
        String line = "imports = [" + String.join(", ", all) + "]";
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int versionLine = -1;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (t.startsWith("[")) {
                break;
            }
            if (t.startsWith("imports") && t.substring("imports".length()).strip().startsWith("=")) {
                int end = arrayEnd(lines, i);
                for (int j = end; j > i; j--) {
                    lines.remove(j);
                }
                lines.set(i, line);
                return String.join("\n", lines);
            }
            if (t.startsWith("version") && t.substring("version".length()).strip().startsWith("=")) {
                versionLine = i;
            }
        }
        lines.add(versionLine + 1, line);
        return String.join("\n", lines);
    }

    /** Index of the line where the array value that starts on line {@code start} closes. */
    private static int arrayEnd(List<String> lines, int start) {
        int depth = 0;
        boolean seenOpen = false;
        for (int i = start; i < lines.size(); i++) {
            String l = lines.get(i);
            boolean inString = false;
            char quote = 0;
            for (int k = 0; k < l.length(); k++) {
                char c = l.charAt(k);
                if (inString) {
                    if (c == '\\' && quote == '"') {
                        k++;
                    } else if (c == quote) {
                        inString = false;
                    }
                } else if (c == '"' || c == '\'') {
                    inString = true;
                    quote = c;
                } else if (c == '#') {
                    break;
                } else if (c == '[') {
                    depth++;
                    seenOpen = true;
                } else if (c == ']') {
                    depth--;
                }
            }
            if (seenOpen && depth <= 0) {
                return i;
            }
        }
        return start;
    }
}
