package dev.jkata.osbuilder;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The agent's module path: {@code agent/target/jkata-agent-*.jar} plus its dependencies from
 * {@code agent/target/lib/}, or (when the agent build does not copy them) the classpath Maven resolves.
 */
final class AgentJars {
    static final String AGENT_MODULE = "dev.jkata.agent";
    static final String AGENT_MAIN = "dev.jkata.agent.Main";

    private AgentJars() {}

    /** Finds the jars: the explicit list (files or directories of jars), else the repo's agent build. */
    static List<Path> locate(BuildOptions o, Progress progress) {
        List<Path> jars = new ArrayList<>();
        if (!o.agentJars().isEmpty()) {
            for (Path p : o.agentJars()) {
                if (Files.isDirectory(p)) {
                    jars.addAll(jarsIn(p));
                } else if (Files.isRegularFile(p)) {
                    jars.add(p);
                } else {
                    throw new OsBuilderException("agent jar " + p + " does not exist");
                }
            }
            return jars;
        }
        Path target = o.repo().resolve("agent/target");
        jarsIn(target).stream()
                .filter(p -> p.getFileName().toString().startsWith("jkata-agent-"))
                .filter(p -> !p.getFileName().toString().matches(".*-(sources|tests|javadoc)\\.jar"))
                .forEach(jars::add);
        if (jars.isEmpty()) {
            throw new OsBuilderException("no agent jar in " + target
                    + " (expected jkata-agent-*.jar; build it with: mvn -B -q -o install -pl agent -DskipTests)");
        }
        Path lib = target.resolve("lib");
        if (Files.isDirectory(lib)) {
            jars.addAll(jarsIn(lib));
        } else {
            progress.detail("no " + lib + ": asking Maven for the agent's classpath");
            jars.addAll(mavenClasspath(o.repo()));
        }
        return jars;
    }

    private static List<Path> mavenClasspath(Path repo) {
        try {
            Path f = Files.createTempFile("jkata-agent-cp", ".txt");
            try {
                Exec.run(repo, List.of("mvn", "-B", "-q", "-o", "dependency:build-classpath", "-pl", "agent",
                        "-DincludeScope=runtime", "-Dmdep.outputFile=" + f));
                String cp = Files.readString(f).strip();
                List<Path> out = new ArrayList<>();
                for (String p : cp.split(":")) {
                    if (!p.isBlank()) {
                        out.add(Path.of(p));
                    }
                }
                return out;
            } finally {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new OsBuilderException("cannot resolve the agent's classpath with Maven in " + repo, e);
        }
    }

    static List<Path> jarsIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new OsBuilderException("cannot list jars in " + dir, e);
        }
    }

    /** The module names of the jars (explicit or automatic). */
    static TreeSet<String> moduleNames(Path dir) {
        TreeSet<String> names = new TreeSet<>();
        for (ModuleReference r : ModuleFinder.of(dir).findAll()) {
            names.add(r.descriptor().name());
        }
        return names;
    }

    /** True if the agent module is in {@code dir} and has its main class. */
    static boolean hasAgentMain(Path dir) {
        return ModuleFinder.of(dir).find(AGENT_MODULE)
                .map(r -> {
                    ModuleDescriptor d = r.descriptor();
                    return d.packages().contains("dev.jkata.agent") && containsClass(r, AGENT_MAIN);
                })
                .orElse(false);
    }

    private static boolean containsClass(ModuleReference r, String cls) {
        try (var reader = r.open()) {
            return reader.find(cls.replace('.', '/') + ".class").isPresent();
        } catch (IOException e) {
            return false;
        }
    }
}
