package dev.jkata.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.proto.agent.Linux;
import dev.jkata.proto.agent.LinuxNamespace;
import dev.jkata.proto.agent.Spec;
import dev.jkata.runtime.config.RuntimeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which network namespace an OCI container's sandbox gets (no namespace is made here). */
class ContainerNetnsTest {

    private static final OciPaths PATHS = new OciPaths(Path.of("/run/docker/runtime-kata/moby"), "c1");
    private static final RuntimeConfig NO_NEW_NETNS =
            new RuntimeConfig(false, "none", true, false, Duration.ofSeconds(60), List.of());

    private static Spec spec(LinuxNamespace... namespaces) {
        return Spec.newBuilder().setLinux(Linux.newBuilder().addAllNamespaces(List.of(namespaces))).build();
    }

    private static LinuxNamespace ns(String type, String path) {
        return LinuxNamespace.newBuilder().setType(type).setPath(path).build();
    }

    @Test
    void anEntryWithAPathIsUsedAsIsAndNotOurs() {
        ContainerNetns n = ContainerNetns.of(spec(ns("pid", ""), ns("network", "/run/netns/podman-1")),
                RuntimeConfig.DEFAULT, PATHS);
        assertEquals(Optional.of(Path.of("/run/netns/podman-1")), n.path());
        assertFalse(n.created());
    }

    @Test
    void anEntryWithoutAPathGetsANamespaceNamedAfterTheContainersSocketHash() {
        ContainerNetns n = ContainerNetns.of(spec(ns("network", "")), RuntimeConfig.DEFAULT, PATHS);
        String sock = PATHS.socket().getFileName().toString();
        assertEquals(Optional.of(Path.of("/run/netns/jkata-" + sock.substring(0, sock.indexOf('.')))), n.path());
        assertTrue(n.created());
        var net = n.networkSpec(RuntimeConfig.DEFAULT, spec(ns("network", "")));
        assertEquals(n.path(), net.netns(), "the sandbox scans the namespace kata-runtime made");
        assertFalse(net.newNetns(), "the runtime makes no second one");
    }

    @Test
    void disableNewNetnsOrNoEntryMeansTheHostsNamespace() {
        assertEquals(Optional.empty(), ContainerNetns.of(spec(ns("network", "")), NO_NEW_NETNS, PATHS).path());
        ContainerNetns none = ContainerNetns.of(spec(ns("pid", "")), RuntimeConfig.DEFAULT, PATHS);
        assertEquals(Optional.empty(), none.path());
        assertFalse(none.created());
        assertEquals(Optional.empty(), ContainerNetns.of(Spec.getDefaultInstance(), RuntimeConfig.DEFAULT, PATHS).path());
    }

    @Test
    void removingANamespaceThatIsNotOursOrGoneDoesNothing() throws Exception {
        new ContainerNetns(Optional.of(Path.of("/run/netns/not-ours")), false).remove();
        new ContainerNetns(Optional.of(Path.of("/run/netns/jkata-never-made-" + ProcessHandle.current().pid())), true)
                .remove();
    }
}
