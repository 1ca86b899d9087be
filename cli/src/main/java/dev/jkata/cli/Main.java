package dev.jkata.cli;

import java.nio.file.Path;

/** {@code kata-runtime}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        String training = System.getenv(TrainingRun.SCRIPT_ENV);
        if (training != null && !training.isBlank() && args.length == 0) {
            System.exit(TrainingRun.run(Path.of(training), Main::cli, System.out, System.err));
        }
        System.exit(cli().run(args, System.out, System.err));
    }

    private static Cli cli() {
        return dev.jkata.cli.oci.OciVerbs.register(new Cli(new LocalHost(), new LoaderConfigSource()));
    }
}
