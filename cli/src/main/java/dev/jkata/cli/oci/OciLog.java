package dev.jkata.cli.oci;

import dev.jkata.cli.Globals;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code --log} file of the OCI verbs, in runc's formats: {@code --log-format json} writes
 * one {@code {"level":"error","msg":"…","time":"…"}} object per line (containerd-shim-runc-v2 and
 * conmon read the last one to report a failure), {@code text} writes
 * {@code time="…" level=error msg="…"}. Without {@code --log} nothing is written here (errors
 * still go to stderr).
 */
record OciLog(Optional<Path> file, boolean json, boolean debug, Clock clock) {

    static OciLog of(Globals g) {
        return new OciLog(g.log(), "json".equals(g.logFormat()), g.debug(), Clock.systemUTC());
    }

    void error(String message) {
        write("error", message);
    }

    void debug(String message) {
        if (debug) {
            write("debug", message);
        }
    }

    /** One log line in the configured format. */
    String format(String level, String message) {
        String time = DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock));
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("level", level);
            m.put("msg", message);
            m.put("time", time);
            return JsonText.write(m);
        }
        StringBuilder sb = new StringBuilder("time=\"").append(time).append("\" level=").append(level).append(" msg=");
        JsonText.quote(sb, message);
        return sb.toString();
    }

    private void write(String level, String message) {
        if (file.isEmpty()) {
            return;
        }
        try {
            Files.writeString(file.get(), format(level, message) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            System.err.println("kata-runtime: cannot write the log " + file.get() + ": " + e.getMessage());
        }
    }
}
