package dev.jkata.runtime.network;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A command runner that answers the scan with {@link IpSamples}, records every command and can fail one. */
final class FakeNetns implements CommandRunner {

    final List<String> commands = new ArrayList<>();
    Predicate<String> failWhen = c -> false;
    String links = IpSamples.LINKS;
    String qdiscs = "[{\"kind\":\"ingress\",\"handle\":\"ffff:\"}]";

    @Override
    public String run(List<String> argv) throws NetworkException {
        String c = String.join(" ", argv);
        commands.add(c);
        if (failWhen.test(c)) {
            throw new NetworkException(c + ": exit status 2: RTNETLINK answers: Operation not permitted");
        }
        return switch (c) {
            case "ip -j -d link show", "ip -j link show" -> links;
            case "ip -j addr show" -> IpSamples.ADDRS;
            case "ip -j -4 route show" -> IpSamples.ROUTES4;
            case "ip -j -6 route show" -> IpSamples.ROUTES6;
            case "ip -j neigh show" -> IpSamples.NEIGH;
            default -> c.startsWith("tc -j qdisc show") ? qdiscs : "";
        };
    }

    /** The commands that change something (no scans). */
    List<String> changes() {
        return commands.stream().filter(c -> !c.contains(" -j ")).toList();
    }
}
