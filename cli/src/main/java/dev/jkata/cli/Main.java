package dev.jkata.cli;

/** {@code kata-runtime}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(new Cli(new LocalHost(), new LoaderConfigSource()).run(args, System.out, System.err));
    }
}
