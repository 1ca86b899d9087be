package dev.jkata.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

class NetworkSpecTest {

    private static Spec spec(LinuxNamespace... namespaces) {
        return Spec.newBuilder().setLinux(Linux.newBuilder().addAllNamespaces(List.of(namespaces))).build();
    }

    private static LinuxNamespace ns(String type, String path) {
        return LinuxNamespace.newBuilder().setType(type).setPath(path).build();
    }

    @Test
    void theNetworkNamespacePathComesFromTheSpec() {
        NetworkSpec s = NetworkSpec.from(RuntimeConfig.DEFAULT,
                spec(ns("pid", ""), ns("network", "/var/run/netns/cni-1234"), ns("mount", "")));
        assertEquals(InternetworkingModel.TCFILTER, s.model());
        assertEquals(Optional.of(Path.of("/var/run/netns/cni-1234")), s.netns());
    }

    @Test
    void aNetworkNamespaceWithoutPathOrNoneAtAllGivesNoPath() {
        assertEquals(Optional.empty(), NetworkSpec.from(RuntimeConfig.DEFAULT, spec(ns("network", ""))).netns());
        assertEquals(Optional.empty(), NetworkSpec.from(RuntimeConfig.DEFAULT, spec(ns("pid", ""))).netns());
        assertEquals(Optional.empty(), NetworkSpec.from(RuntimeConfig.DEFAULT, Spec.getDefaultInstance()).netns());
    }

    @Test
    void withoutAPathANewNamespaceIsAskedForUnlessDisabled() {
        assertTrue(NetworkSpec.from(RuntimeConfig.DEFAULT, spec(ns("network", ""))).newNetns());
        assertTrue(NetworkSpec.from(RuntimeConfig.DEFAULT, Spec.getDefaultInstance()).newNetns());
        assertFalse(NetworkSpec.from(RuntimeConfig.DEFAULT, spec(ns("network", "/var/run/netns/cni-1"))).newNetns());
        RuntimeConfig disabled = new RuntimeConfig(false, "none", true, false, Duration.ofSeconds(60), List.of());
        assertFalse(NetworkSpec.from(disabled, spec(ns("network", ""))).newNetns());
        assertFalse(NetworkSpec.NONE.newNetns());
    }

    @Test
    void modelAndDisableNewNetnsComeFromTheConfiguration() {
        RuntimeConfig r = new RuntimeConfig(false, "none", true, false, Duration.ofSeconds(60), List.of());
        NetworkSpec s = NetworkSpec.from(r, spec());
        assertEquals(InternetworkingModel.NONE, s.model());
        assertTrue(s.disableNewNetns());
    }

    @Test
    void modelParsing() {
        assertEquals(InternetworkingModel.TCFILTER, InternetworkingModel.parse(""));
        assertEquals(InternetworkingModel.MACVTAP, InternetworkingModel.parse(" MacVTap "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InternetworkingModel.parse("bridged"));
        assertTrue(e.getMessage().contains("\"bridged\""), e.getMessage());
    }
}
