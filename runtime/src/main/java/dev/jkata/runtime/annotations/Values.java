package dev.jkata.runtime.annotations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Parsing of annotation values (always strings), with errors naming the annotation. */
final class Values {

    private Values() {
    }

    static AnnotationException bad(String annotation, String expected, String value) {
        return new AnnotationException("annotation " + annotation + ": expected " + expected + ", got \"" + value + "\"");
    }

    /** Go's strconv.ParseBool spellings, as upstream accepts. */
    static boolean bool(String annotation, String value) throws AnnotationException {
        return switch (value.trim()) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw bad(annotation, "true or false", value);
        };
    }

    static int integer(String annotation, String value, int min, int max) throws AnnotationException {
        long v;
        try {
            v = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw bad(annotation, "an integer", value);
        }
        if (v < min || v > max) {
            throw bad(annotation, "an integer from " + min + " to " + max, value);
        }
        return (int) v;
    }

    /** An integer, or a decimal number rounded up (upstream's vCPU counts may be fractional). */
    static int vcpus(String annotation, String value) throws AnnotationException {
        double d;
        try {
            d = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw bad(annotation, "a number of vCPUs", value);
        }
        if (!(d >= 0 && d <= 1024)) {
            throw bad(annotation, "a number of vCPUs from 0 to 1024", value);
        }
        return (int) Math.ceil(d);
    }

    static Path absolutePath(String annotation, String value) throws AnnotationException {
        String v = value.trim();
        if (v.isEmpty() || !v.startsWith("/")) {
            throw bad(annotation, "an absolute path", value);
        }
        return Path.of(v);
    }

    /** A JSON array of strings, e.g. {@code ["--thread-pool-size=1"]}. */
    static List<String> jsonStrings(String annotation, String value) throws AnnotationException {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(value);
        } catch (IOException e) {
            throw bad(annotation, "a JSON array of strings", value);
        }
        if (n == null || !n.isArray()) {
            throw bad(annotation, "a JSON array of strings", value);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw bad(annotation, "a JSON array of strings", value);
            }
            out.add(e.asText());
        }
        return List.copyOf(out);
    }

    /** Items separated by {@code separatorRegex}, trimmed, empty ones dropped. */
    static List<String> split(String value, String separatorRegex) {
        return Arrays.stream(value.split(separatorRegex)).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Whether {@code path} matches one of the glob(3)-style patterns. */
    static boolean matchesGlob(List<String> globs, Path path) {
        for (String g : globs) {
            if (!g.isBlank() && FileSystems.getDefault().getPathMatcher("glob:" + g).matches(path)) {
                return true;
            }
        }
        return false;
    }
}
