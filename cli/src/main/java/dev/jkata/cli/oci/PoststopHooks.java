package dev.jkata.cli.oci;

import dev.jkata.cli.CliException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The poststop hooks of a container, kept in {@code <root>/<id>/poststop-hooks.json} by
 * {@code create} so that {@code delete} runs them without parsing config.json again (the bundle
 * may be gone by then). No file: no poststop hooks.
 */
final class PoststopHooks {

    private PoststopHooks() {
    }

    static Path file(OciPaths paths) {
        return paths.dir().resolve("poststop-hooks.json");
    }

    static void save(OciPaths paths, List<OciHooks.HookCommand> hooks) throws CliException {
        if (hooks.isEmpty()) {
            return;
        }
        List<Object> list = new ArrayList<>();
        for (OciHooks.HookCommand h : hooks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", h.path());
            m.put("args", new ArrayList<Object>(h.args()));
            m.put("env", new ArrayList<Object>(h.env()));
            m.put("timeout", h.timeout().map(Duration::toSeconds).orElse(0L));
            list.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("poststop", list);
        try {
            Files.writeString(file(paths), JsonText.write(doc) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, "writing " + file(paths) + ": " + e.getMessage(), e);
        }
    }

    /** The saved hooks; empty when there is no file. */
    static List<OciHooks.HookCommand> load(OciPaths paths) throws CliException {
        Path f = file(paths);
        if (!Files.isRegularFile(f)) {
            return List.of();
        }
        String text;
        try {
            text = Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, "reading " + f + ": " + e.getMessage(), e);
        }
        List<OciHooks.HookCommand> out = new ArrayList<>();
        if (!(JsonText.parseObject(text, f.toString()).get("poststop") instanceof List<?> list)) {
            throw new CliException(CliException.FAILURE, f + ": expected {\"poststop\": [...]}");
        }
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m) || !(m.get("path") instanceof String path)) {
                throw new CliException(CliException.FAILURE, f + ": expected hook objects with a \"path\", got " + o);
            }
            long timeout = m.get("timeout") instanceof Number n ? n.longValue() : 0;
            out.add(new OciHooks.HookCommand(path, strings(m.get("args")), strings(m.get("env")),
                    timeout > 0 ? Optional.of(Duration.ofSeconds(timeout)) : Optional.empty()));
        }
        return out;
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        }
        return out;
    }
}
