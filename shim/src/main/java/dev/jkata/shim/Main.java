package dev.jkata.shim;

/** Entry point of {@code containerd-shim-kata-v2}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(dev.jkata.shim.cli.ShimCli.run(args, System.in, System.out, System.err, System.getenv()));
    }
}
