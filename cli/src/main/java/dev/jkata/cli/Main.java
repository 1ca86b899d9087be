package dev.jkata.cli;

/** {@code kata-runtime}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(dev.jkata.cli.oci.OciVerbs.register(new Cli(new LocalHost(), new LoaderConfigSource()))
                .run(args, System.out, System.err));
    }
}
