package dev.jkata.hypervisor;

import java.util.Locale;

/** What the configuration asks for: probe the host, or force one accelerator. */
public enum AcceleratorChoice {
    /** KVM when the host can run a stock guest kernel with it, TCG otherwise. */
    AUTO,
    /** KVM, even if the probe says it is unusable. */
    KVM,
    /** TCG, even if KVM would work. */
    TCG;

    /**
     * Parses {@code auto}, {@code kvm} or {@code tcg} (any case).
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static AcceleratorChoice parse(String value) {
        if (value == null || value.isBlank()) {
            return AUTO;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "kvm" -> KVM;
            case "tcg" -> TCG;
            default -> throw new IllegalArgumentException(
                    "accelerator: expected one of \"auto\", \"kvm\", \"tcg\", got \"" + value + "\"");
        };
    }
}
