package dev.jkata.deploy;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Applies the edits of each target, saving every original first ({@link Backup}), and undoes them.
 * Prints one line per file: {@code <target>: created|updated|unchanged|restored|removed <path>}.
 */
public final class Deployer {
    private final DeployPaths paths;
    private final Backup backup;
    private final PrintStream out;

    public Deployer(DeployPaths paths, PrintStream out) {
        this.paths = paths;
        this.backup = new Backup(paths);
        this.out = out;
    }

    /**
     * Installs the chosen targets. {@code containerd} is empty when containerd is not installed (the
     * containerd target is then skipped with a note).
     */
    public void install(Set<Target> targets, Optional<ContainerdVersion> containerd) throws DeployException {
        for (Target t : Target.values()) {
            if (!targets.contains(t)) {
                continue;
            }
            switch (t) {
                case CONTAINERD -> {
                    if (containerd.isEmpty()) {
                        out.println("containerd: skipped (containerd not found; pass --containerd-version)");
                        continue;
                    }
                    Optional<String> main = read(paths.containerdConfig());
                    List<FileEdit> edits = ContainerdConfig.plan(paths, containerd.get(), main);
                    if (edits.stream().noneMatch(e -> e.path().equals(paths.containerdConfig()))) {
                        report(t, "unchanged", paths.containerdConfig());
                    }
                    for (FileEdit e : edits) {
                        apply(t, e);
                    }
                }
                case DOCKER -> applyOrUnchanged(t, paths.dockerDaemonJson(),
                        DockerConfig.plan(paths, read(paths.dockerDaemonJson())));
                case PODMAN -> applyOrUnchanged(t, paths.podmanContainersConf(),
                        PodmanConfig.plan(paths, read(paths.podmanContainersConf())));
                case RUNTIMECLASSES -> {
                    for (FileEdit e : RuntimeClasses.plan(paths)) {
                        apply(t, e);
                    }
                }
            }
        }
    }

    /** Restores every file kata-deploy changed, byte for byte, and removes the ones it created. */
    public void uninstall() throws DeployException {
        if (!backup.exists()) {
            out.println("nothing to uninstall: no " + paths.unrooted(paths.backupDir().resolve("manifest.tsv")));
            return;
        }
        for (String line : backup.restore()) {
            out.println("uninstall: " + line);
        }
    }

    private void applyOrUnchanged(Target t, Path file, Optional<FileEdit> edit) throws DeployException {
        if (edit.isPresent()) {
            apply(t, edit.get());
        } else {
            report(t, "unchanged", file);
        }
    }

    private void apply(Target t, FileEdit edit) throws DeployException {
        Path file = edit.path();
        boolean existed = Files.exists(file);
        try {
            if (existed && Arrays.equals(Files.readAllBytes(file), edit.content())) {
                report(t, "unchanged", file);
                return;
            }
            // directories first: uninstall works newest first, so it removes the file before its directory
            backup.createDirectories(file.getParent());
            backup.recordFile(file);
            Set<PosixFilePermission> mode = existed ? Files.getPosixFilePermissions(file)
                    : PosixFilePermissions.fromString("rw-r--r--");
            Path tmp = file.resolveSibling("." + file.getFileName() + ".kata-deploy.tmp");
            Files.write(tmp, edit.content());
            Files.setPosixFilePermissions(tmp, mode);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DeployException("cannot write " + file, e);
        }
        report(t, existed ? "updated" : "created", file);
    }

    private void report(Target t, String what, Path file) {
        out.println(t.label() + ": " + what + " " + paths.unrooted(file));
    }

    private static Optional<String> read(Path file) throws DeployException {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            throw new DeployException("cannot read " + file, e);
        }
    }
}
