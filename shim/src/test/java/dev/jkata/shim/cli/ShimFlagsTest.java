package dev.jkata.shim.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.jkata.shim.ShimException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShimFlagsTest {
    @Test
    void parsesContainerdStartLine() {
        ShimFlags f = ShimFlags.parse(new String[] {"-namespace", "default", "-address", "/run/containerd/containerd.sock",
                "-publish-binary", "/usr/bin/containerd", "-id", "t1", "-debug", "start"});
        assertEquals("default", f.namespace());
        assertEquals("/run/containerd/containerd.sock", f.address());
        assertEquals("/usr/bin/containerd", f.publishBinary());
        assertEquals("t1", f.id());
        assertTrue(f.debug());
        assertEquals(Optional.of("start"), f.action());
        assertEquals(Optional.empty(), f.bundle());
    }

    @Test
    void parsesDeleteWithBundleAndEqualsForms() {
        ShimFlags f = ShimFlags.parse(new String[] {"--namespace=k8s.io", "-address=/a.sock", "-id", "x",
                "-bundle", "/run/b", "-debug=false", "delete"});
        assertEquals("k8s.io", f.namespace());
        assertEquals("/a.sock", f.address());
        assertEquals(Optional.of("/run/b"), f.bundle());
        assertFalse(f.debug());
        assertEquals(Optional.of("delete"), f.action());
        assertEquals("containerd", f.publishBinary(), "default publish binary as in containerd");
    }

    @Test
    void noActionMeansDaemonAndVersionFlags() {
        ShimFlags f = ShimFlags.parse(new String[] {"-v"});
        assertTrue(f.version());
        assertTrue(f.action().isEmpty());
        assertTrue(ShimFlags.parse(new String[] {"-info"}).info());
    }

    @Test
    void badInputNamesTheFlag() {
        ShimException e = assertThrows(ShimException.class, () -> ShimFlags.parse(new String[] {"-bogus", "1"}));
        assertTrue(e.getMessage().contains("-bogus"), e.getMessage());
        e = assertThrows(ShimException.class, () -> ShimFlags.parse(new String[] {"-id"}));
        assertTrue(e.getMessage().contains("-id needs a value"), e.getMessage());
        e = assertThrows(ShimException.class, () -> ShimFlags.parse(new String[] {"-debug=maybe"}));
        assertTrue(e.getMessage().contains("maybe"), e.getMessage());
        e = assertThrows(ShimException.class, () -> ShimFlags.parse(new String[] {"-id", "x", "start"}).requireIdentity());
        assertTrue(e.getMessage().contains("-namespace"), e.getMessage());
    }

    @Test
    void daemonArgsRoundTrip() {
        ShimFlags f = ShimFlags.parse(new String[] {"-namespace", "n", "-address", "/a", "-publish-binary", "/p",
                "-id", "i", "-socket", "/s", "-debug", "start"});
        List<String> args = f.daemonArgs();
        ShimFlags back = ShimFlags.parse(args.toArray(String[]::new));
        assertEquals(new ShimFlags("n", "/a", "/p", "i", Optional.empty(), Optional.of("/s"), true, false, false,
                Optional.empty()), back);
    }
}
