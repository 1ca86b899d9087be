package dev.jkata.hypervisor;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** A network device of the guest, backed by something on the host. */
public sealed interface NetDevice {

    /**
     * A virtio-net device backed by an existing host tap device that the VMM opens by name (so the VMM
     * must run in the network namespace that holds the tap, see {@link VmConfig#netns()}).
     *
     * @param id device id, unique within the VM ({@code net0} …): letters, digits, '_' and '-'
     * @param tapName the host tap interface ({@code tap0_kata}), at most 15 bytes
     * @param mac the guest NIC's MAC address ({@code aa:bb:cc:dd:ee:ff}), normalised to lower case
     */
    record Tap(String id, String tapName, String mac) implements NetDevice {

        private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,31}");
        private static final Pattern IFNAME = Pattern.compile("[^\\s/,:=]{1,15}");
        private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

        public Tap {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(tapName, "tapName");
            Objects.requireNonNull(mac, "mac");
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException("net device id \"" + id
                        + "\": expected a letter then up to 31 letters, digits, '_' or '-'");
            }
            if (!IFNAME.matcher(tapName).matches()) {
                throw new IllegalArgumentException("tap name \"" + tapName
                        + "\": expected 1-15 characters without blanks, '/', ',', ':' or '='");
            }
            mac = mac.toLowerCase(Locale.ROOT);
            if (!MAC.matcher(mac).matches()) {
                throw new IllegalArgumentException("MAC address \"" + mac + "\" of " + tapName
                        + ": expected six hex bytes separated by ':'");
            }
        }
    }

    /** The device id, unique within the VM. */
    String id();
}
