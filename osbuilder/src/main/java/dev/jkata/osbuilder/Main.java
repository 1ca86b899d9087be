package dev.jkata.osbuilder;

import java.nio.file.Path;
import java.util.List;

/** {@code osbuilder [OUTDIR] [options]}: builds the guest kernel and initrd (see {@link BuildOptions#usage()}). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println("usage: " + BuildOptions.usage());
            return;
        }
        try {
            Path repo = Path.of(System.getProperty("jkata.repo", ".")).toAbsolutePath().normalize();
            BuildOptions o = BuildOptions.parse(List.of(args), repo);
            new GuestBuilder(o, new Progress(System.out, 8)).build();
        } catch (OsBuilderException e) {
            System.err.println("osbuilder: " + e.getMessage());
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                System.err.println("  caused by: " + c);
            }
            System.exit(1);
        }
    }
}
