package dev.jkata.osbuilder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs external tools (apt-get, dpkg-deb, jlink, ldd, ...) and turns failures into {@link OsBuilderException}. */
final class Exec {
    private Exec() {}

    /** The result of a finished command. */
    record Result(int exitCode, String stdout, String stderr) {}

    /** Runs {@code command} in {@code dir} (null: current dir), fails on a non-zero exit. */
    static String run(Path dir, List<String> command) {
        Result r = runAllowingFailure(dir, command, 0);
        if (r.exitCode() != 0) {
            throw new OsBuilderException("command failed (exit " + r.exitCode() + "): " + String.join(" ", command)
                    + (r.stderr().isBlank() ? "" : "\n" + tail(r.stderr())));
        }
        return r.stdout();
    }

    /** Runs {@code command}; a timeout of 0 waits forever; the process is killed when it times out. */
    static Result runAllowingFailure(Path dir, List<String> command, long timeoutSeconds) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new OsBuilderException("cannot start " + command.getFirst() + " (is it installed?)", e);
        }
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        try {
            if (timeoutSeconds > 0) {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor();
                    throw new OsBuilderException("command timed out after " + timeoutSeconds + " s: "
                            + String.join(" ", command));
                }
            } else {
                p.waitFor();
            }
            return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new OsBuilderException("interrupted while running " + command.getFirst(), e);
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in; ByteArrayOutputStream b = new ByteArrayOutputStream()) {
                in.transferTo(b);
                return b.toByteArray();
            } catch (IOException e) {
                return new byte[0];
            }
        }, Thread::startVirtualThread);
    }

    static String tail(String s) {
        String t = s.strip();
        return t.length() <= 2000 ? t : "..." + t.substring(t.length() - 2000);
    }
}
