package dev.jkata.deploy;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** {@code kata-deploy}: registers jkata with containerd, docker, podman and Kubernetes, and undoes it. */
public final class Main {
    static final String USAGE = """
            usage: kata-deploy [options] install|uninstall|runtimeclasses
              install         register the kata runtime with containerd (drop-in + imports), docker
                              (daemon.json), podman (containers.conf) and ship RuntimeClass manifests;
                              originals are saved under <prefix>/share/kata-deploy/backup
              uninstall       restore every file install changed, byte for byte
              runtimeclasses  print the Kubernetes RuntimeClass manifests
            options:
              --root DIR                 host root to edit (default /)
              --prefix DIR               install prefix written into the configs (default /opt/kata)
              --containerd-version V     containerd release (default: from `containerd --version`)
              --targets LIST             comma list of containerd,docker,podman,runtimeclasses (default all)
            """;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs kata-deploy; returns the exit status (0 ok, 1 failure, 2 usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path root = Path.of("/");
        Path prefix = DeployPaths.DEFAULT_PREFIX;
        String containerdVersion = null;
        Set<Target> targets = EnumSet.allOf(Target.class);
        String verb = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-h", "--help", "help" -> {
                        out.print(USAGE);
                        return 0;
                    }
                    case "--root", "--prefix", "--containerd-version", "--targets" -> {
                        if (i + 1 >= args.length) {
                            return usage(err, a + " needs a value");
                        }
                        String v = args[++i];
                        switch (a) {
                            case "--root" -> root = Path.of(v).toAbsolutePath();
                            case "--prefix" -> prefix = Path.of(v);
                            case "--containerd-version" -> containerdVersion = v;
                            default -> {
                                targets = EnumSet.noneOf(Target.class);
                                for (String t : v.split(",")) {
                                    targets.add(Target.of(t.strip()));
                                }
                            }
                        }
                    }
                    case "install", "uninstall", "runtimeclasses" -> {
                        if (verb != null) {
                            return usage(err, "more than one command: " + verb + " and " + a);
                        }
                        verb = a;
                    }
                    default -> {
                        return usage(err, "unknown argument \"" + a + "\"");
                    }
                }
            }
            if (verb == null) {
                return usage(err, "missing command");
            }
            if (!prefix.isAbsolute()) {
                return usage(err, "--prefix must be an absolute path, got " + prefix);
            }
            DeployPaths paths = new DeployPaths(root, prefix);
            Deployer deployer = new Deployer(paths, out);
            switch (verb) {
                case "install" -> {
                    Optional<ContainerdVersion> v = Optional.empty();
                    if (containerdVersion != null) {
                        v = Optional.of(ContainerdVersion.parse(containerdVersion));
                    } else if (targets.contains(Target.CONTAINERD)) {
                        try {
                            v = Optional.of(ContainerdVersion.detect("containerd"));
                        } catch (DeployException e) {
                            err.println("kata-deploy: " + e.getMessage());
                        }
                    }
                    deployer.install(targets, v);
                }
                case "uninstall" -> deployer.uninstall();
                default -> {
                    for (String h : ContainerdConfig.HANDLERS) {
                        out.print(RuntimeClasses.manifest(h));
                    }
                }
            }
            return 0;
        } catch (DeployException e) {
            err.println("kata-deploy: " + e.getMessage());
            return 1;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("kata-deploy: " + problem);
        err.print(USAGE);
        return 2;
    }
}
