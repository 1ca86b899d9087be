package dev.jkata.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The originals of every host file kata-deploy touched, under {@code <prefix>/share/kata-deploy/backup/}:
 * {@code manifest.tsv} lists each path once, in the order it was first touched, as {@code file} (an
 * original copy is in {@code files/<path>}), {@code absent} (the file did not exist) or {@code dir} (a
 * directory kata-deploy created). Only the first state of a path is kept, so installing again never
 * overwrites the real originals.
 */
final class Backup {
    enum State { FILE, ABSENT, DIR }

    record Entry(State state, Path path) {
    }

    private final DeployPaths paths;
    private final Path dir;
    private final Path manifest;

    Backup(DeployPaths paths) {
        this.paths = paths;
        this.dir = paths.backupDir();
        this.manifest = dir.resolve("manifest.tsv");
    }

    boolean exists() {
        return Files.isRegularFile(manifest);
    }

    List<Entry> entries() throws DeployException {
        List<Entry> out = new ArrayList<>();
        if (!exists()) {
            return out;
        }
        try {
            int n = 0;
            for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                int tab = line.indexOf('\t');
                State state;
                try {
                    state = tab < 0 ? null : State.valueOf(line.substring(0, tab).toUpperCase(java.util.Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    state = null;
                }
                if (state == null || !line.substring(tab + 1).startsWith("/")) {
                    throw new DeployException(manifest + ": line " + n
                            + ": expected \"file|absent|dir<TAB>/absolute/path\", got \"" + line + "\"");
                }
                out.add(new Entry(state, Path.of(line.substring(tab + 1))));
            }
        } catch (IOException e) {
            throw new DeployException("cannot read " + manifest, e);
        }
        return out;
    }

    private boolean recorded(List<Entry> entries, Path unrooted) {
        return entries.stream().anyMatch(e -> e.path().equals(unrooted));
    }

    /** Saves the original of {@code hostFile} (or that it did not exist) unless already saved. */
    void recordFile(Path hostFile) throws DeployException {
        Path p = paths.unrooted(hostFile);
        List<Entry> entries = entries();
        if (recorded(entries, p)) {
            return;
        }
        try {
            if (Files.exists(hostFile)) {
                Path copy = savedCopy(p);
                Files.createDirectories(copy.getParent());
                Files.copy(hostFile, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                append(new Entry(State.FILE, p));
            } else {
                append(new Entry(State.ABSENT, p));
            }
        } catch (IOException e) {
            throw new DeployException("cannot back up " + hostFile + " to " + dir, e);
        }
    }

    /** Creates {@code hostDir} and its missing parents, recording each one it creates. */
    void createDirectories(Path hostDir) throws DeployException {
        List<Path> missing = new ArrayList<>();
        for (Path d = hostDir; d != null && !Files.exists(d); d = d.getParent()) {
            missing.addFirst(d);
        }
        try {
            for (Path d : missing) {
                Files.createDirectory(d);
                Path p = paths.unrooted(d);
                if (!recorded(entries(), p)) {
                    append(new Entry(State.DIR, p));
                }
            }
        } catch (IOException e) {
            throw new DeployException("cannot create directory " + hostDir, e);
        }
    }

    private Path savedCopy(Path unrooted) {
        return dir.resolve("files").resolve(unrooted.toString().substring(1));
    }

    private void append(Entry e) throws IOException {
        Files.createDirectories(dir);
        String line = e.state().name().toLowerCase(java.util.Locale.ROOT) + "\t" + e.path() + "\n";
        Files.writeString(manifest, line, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /** Puts every recorded path back as it was, newest first, then deletes the backup. Returns what it did. */
    List<String> restore() throws DeployException {
        List<Entry> entries = entries();
        List<String> done = new ArrayList<>();
        try {
            for (Entry e : entries.reversed()) {
                Path host = paths.host(e.path());
                switch (e.state()) {
                    case FILE -> {
                        Files.createDirectories(host.getParent());
                        Files.copy(savedCopy(e.path()), host, StandardCopyOption.REPLACE_EXISTING,
                                StandardCopyOption.COPY_ATTRIBUTES);
                        done.add("restored " + e.path());
                    }
                    case ABSENT -> {
                        if (Files.deleteIfExists(host)) {
                            done.add("removed " + e.path());
                        }
                    }
                    case DIR -> {
                        try {
                            if (Files.deleteIfExists(host)) {
                                done.add("removed directory " + e.path());
                            }
                        } catch (DirectoryNotEmptyException ex) {
                            done.add("kept directory " + e.path() + " (not empty)");
                        }
                    }
                }
            }
            deleteTree(dir);
            // the now empty share/kata-deploy, but never the install prefix itself
            Path prefix = paths.host(paths.installedPrefix());
            for (Path d = dir.getParent(); d != null && d.startsWith(prefix) && !d.equals(prefix); d = d.getParent()) {
                try {
                    Files.deleteIfExists(d);
                } catch (DirectoryNotEmptyException ex) {
                    break;
                }
            }
        } catch (NoSuchFileException e) {
            throw new DeployException("backup is incomplete: " + e.getFile() + " is missing", e);
        } catch (IOException e) {
            throw new DeployException("cannot restore from " + dir, e);
        }
        return done;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
