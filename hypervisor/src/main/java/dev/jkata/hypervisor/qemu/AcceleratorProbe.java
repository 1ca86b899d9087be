package dev.jkata.hypervisor.qemu;

import dev.jkata.hypervisor.Accelerator;
import dev.jkata.hypervisor.AcceleratorChoice;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides between KVM and TCG.
 *
 * <p>KVM is used only when {@code /dev/kvm} opens read-write <em>and</em> the CPU advertises hardware
 * virtualisation ({@code vmx} or {@code svm} in {@code /proc/cpuinfo}). A paravirtual KVM (kvm_pvm)
 * opens /dev/kvm without either flag and cannot run a stock guest kernel, so it counts as unusable.
 */
final class AcceleratorProbe {

    /** The outcome and a sentence for the log saying why. */
    record Decision(Accelerator accelerator, String reason) {
    }

    private AcceleratorProbe() {
    }

    /** Pure decision from the host facts; tests feed it made-up facts. */
    static Decision decide(AcceleratorChoice choice, boolean kvmOpensReadWrite, String cpuinfo) {
        return switch (choice) {
            case KVM -> new Decision(Accelerator.KVM, "accelerator forced to kvm by the configuration");
            case TCG -> new Decision(Accelerator.TCG, "accelerator forced to tcg by the configuration");
            case AUTO -> {
                if (!kvmOpensReadWrite) {
                    yield new Decision(Accelerator.TCG, "/dev/kvm is missing or cannot be opened read-write");
                }
                Set<String> flags = cpuFlags(cpuinfo);
                if (flags.contains("vmx") || flags.contains("svm")) {
                    yield new Decision(Accelerator.KVM, "/dev/kvm is usable and the CPU has "
                            + (flags.contains("vmx") ? "vmx" : "svm"));
                }
                yield new Decision(Accelerator.TCG,
                        "/dev/kvm opens but /proc/cpuinfo has neither vmx nor svm (paravirtual KVM?)");
            }
        };
    }

    /** Probes this host: opens /dev/kvm read-write and reads /proc/cpuinfo. */
    static Decision probe(AcceleratorChoice choice) {
        if (choice != AcceleratorChoice.AUTO) {
            return decide(choice, false, "");
        }
        return decide(choice, opensReadWrite(Path.of("/dev/kvm")), readOrEmpty(Path.of("/proc/cpuinfo")));
    }

    /** The flags of the first processor in a /proc/cpuinfo text. */
    static Set<String> cpuFlags(String cpuinfo) {
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals("flags")) {
                return Arrays.stream(line.substring(colon + 1).trim().split("\\s+"))
                        .filter(s -> !s.isEmpty())
                        .collect(Collectors.toUnmodifiableSet());
            }
        }
        return Set.of();
    }

    static boolean opensReadWrite(Path device) {
        try (FileChannel ignored = FileChannel.open(device, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
