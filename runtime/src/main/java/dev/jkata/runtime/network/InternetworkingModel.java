package dev.jkata.runtime.network;

import java.util.Locale;

/** Kata's {@code internetworking_model}: how the VM's NIC is joined to the pod's interface. */
public enum InternetworkingModel {
    /** A tap per interface, traffic mirrored both ways with tc ingress qdiscs and mirred redirects. */
    TCFILTER("tcfilter"),
    /** macvtap devices (not supported by jkata). */
    MACVTAP("macvtap"),
    /** No plumbing: the VM gets no network device from the pod's namespace. */
    NONE("none");

    private final String key;

    InternetworkingModel(String key) {
        this.key = key;
    }

    /** The TOML spelling. */
    public String key() {
        return key;
    }

    /**
     * Parses the TOML value; blank means {@code tcfilter} (Kata's default).
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static InternetworkingModel parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty()) {
            return TCFILTER;
        }
        for (InternetworkingModel m : values()) {
            if (m.key.equals(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException("internetworking_model: expected one of \"tcfilter\", \"macvtap\", "
                + "\"none\", got \"" + value + "\"");
    }
}
