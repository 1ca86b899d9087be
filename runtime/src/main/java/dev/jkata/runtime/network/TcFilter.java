package dev.jkata.runtime.network;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The tcfilter plumbing of one endpoint as iproute2 commands: a tap {@code tap<N>_kata} with the
 * endpoint's MTU, and on each side an ingress qdisc whose catch-all u32 filter redirects every frame to
 * the other side's egress. Pure: builds commands, runs nothing.
 */
final class TcFilter {

    private static final Pattern OUR_TAP = Pattern.compile("tap\\d+_kata");

    private TcFilter() {
    }

    /** The tap name for the endpoint with this index (upstream Kata's spelling). */
    static String tapName(int index) {
        return "tap" + index + "_kata";
    }

    static boolean isOurTap(String name) {
        return OUR_TAP.matcher(name).matches();
    }

    /** Creates and raises the tap, then mirrors both ways. Single queue: QEMU opens it without multi_queue. */
    static List<List<String>> plumb(String veth, String tap, int mtu) {
        return List.of(
                List.of("ip", "tuntap", "add", "dev", tap, "mode", "tap"),
                List.of("ip", "link", "set", "dev", tap, "mtu", Integer.toString(mtu)),
                List.of("ip", "link", "set", "dev", tap, "up"),
                List.of("tc", "qdisc", "add", "dev", veth, "handle", "ffff:", "ingress"),
                redirect(veth, tap),
                List.of("tc", "qdisc", "add", "dev", tap, "handle", "ffff:", "ingress"),
                redirect(tap, veth));
    }

    /** Removes the veth's ingress qdisc (and with it the filter), then the tap (with its qdisc). */
    static List<List<String>> unplumb(String veth, String tap) {
        return List.of(
                List.of("tc", "qdisc", "del", "dev", veth, "ingress"),
                List.of("ip", "link", "del", "dev", tap));
    }

    /** Every frame entering {@code from} leaves through {@code to}. */
    static List<String> redirect(String from, String to) {
        return List.of("tc", "filter", "add", "dev", from, "parent", "ffff:", "protocol", "all",
                "u32", "match", "u8", "0", "0", "action", "mirred", "egress", "redirect", "dev", to);
    }
}
