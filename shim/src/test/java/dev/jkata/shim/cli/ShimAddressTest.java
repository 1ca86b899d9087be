package dev.jkata.shim.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.jkata.shim.ShimException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ShimAddressTest {
    @Test
    void matchesContainerdsSha256OfTheJoinedPath() {
        // golden values: printf '%s' /run/containerd/containerd.sock/default/t1 | sha256sum
        assertEquals("unix:///run/containerd/s/df6a0c5cd2e9a1a16d9a3f2447365d9fc6021bc1d3d9a4caa2f5b2c4f773758f",
                ShimAddress.of("/run/containerd/containerd.sock", "default", "t1"));
        assertEquals("unix:///run/containerd/s/d610654f2ec513603458965ea465fb60e8ec092ba4d92e024b4e2fbbc5a39d66",
                ShimAddress.of("/tmp//x/./c.sock/", "k8s.io", "sb"), "the path is cleaned before hashing");
    }

    @Test
    void cleanBehavesLikeGo() {
        assertEquals("/a/c", ShimAddress.clean("/a/b/../c/"));
        assertEquals("/", ShimAddress.clean("/.."));
        assertEquals("../x", ShimAddress.clean("a/../../x"));
        assertEquals(".", ShimAddress.clean(""));
        assertEquals("/a/b", ShimAddress.cleanJoin("/a", "", "b"));
    }

    @Test
    void socketPathOfAddress() {
        assertEquals(Path.of("/run/containerd/s/abc"), ShimAddress.socketPath("unix:///run/containerd/s/abc"));
        ShimException e = assertThrows(ShimException.class, () -> ShimAddress.socketPath("vsock://3:1024"));
        assertTrue(e.getMessage().contains("vsock://3:1024"));
        assertThrows(ShimException.class, () -> ShimAddress.of("/a", "", "id"));
    }
}
