package dev.jkata.runtime.network;

import java.util.ArrayList;
import java.util.List;

/** Runs iproute2 commands in the caller's own network namespace (e.g. {@code ip netns add}). */
public final class HostRunner implements CommandRunner {

    @Override
    public String run(List<String> argv) throws NetworkException {
        if (argv.isEmpty()) {
            throw new NetworkException("empty command for the host network namespace");
        }
        List<String> cmd = new ArrayList<>(argv);
        cmd.set(0, NsenterRunner.tool(argv.get(0)));
        return NsenterRunner.execute(cmd, String.join(" ", argv));
    }
}
