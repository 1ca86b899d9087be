package dev.jkata.cli;

import java.util.List;

/**
 * {@code kata-runtime check [--verbose] [--strict]} (alias {@code kata-check}): exit 0 when a container can
 * run here (no FAIL; with --strict also no WARN), 1 otherwise.
 */
final class CheckCommand implements Command {
    static final String USAGE = """
            usage: kata-runtime check [--verbose] [--strict] [--no-network-checks]
              Checks that this host can run containers in VMs. Each line is PASS, WARN (works at a cost)
              or FAIL (a container cannot run) with the reason and the fix.
              --verbose, -v   also print details of passed checks
              --strict        treat warnings as failures
            """;

    @Override
    public int run(Invocation inv, List<String> args) throws CliException {
        boolean verbose = false;
        boolean strict = false;
        for (String a : args) {
            switch (Cli.flagName(a)) {
                case "verbose", "v" -> verbose = true;
                case "strict" -> strict = true;
                case "no-network-checks", "n" -> { } // jkata makes no network checks
                case "help", "h" -> {
                    inv.out().print(USAGE);
                    return 0;
                }
                default -> throw CliException.usage("check: unknown argument \"" + a + "\"\n" + USAGE);
            }
        }
        List<CheckResult> results = new Checks(inv).run();
        int warnings = 0;
        int failures = 0;
        for (CheckResult r : results) {
            inv.out().printf("%-4s  %s: %s%n", r.status(), r.subject(), r.reason());
            if (!r.fix().isEmpty()) {
                inv.out().println("      fix: " + r.fix());
            }
            if (verbose) {
                r.details().forEach(d -> inv.out().println("      " + d));
            }
            switch (r.status()) {
                case WARN -> warnings++;
                case FAIL -> failures++;
                case PASS -> { }
            }
        }
        boolean ok = failures == 0 && (!strict || warnings == 0);
        String counts = failures + " failure" + (failures == 1 ? "" : "s") + ", " + warnings + " warning"
                + (warnings == 1 ? "" : "s") + (strict && warnings > 0 ? " (--strict)" : "");
        inv.out().println(ok ? "System is capable of running jkata (Kata Containers) containers: " + counts
                : "System is not capable of running jkata (Kata Containers) containers: " + counts);
        return ok ? 0 : CliException.FAILURE;
    }
}
