package dev.jkata.osbuilder;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BuildOptionsTest {

    @Test
    void defaultsPutTheOutputInTheRepoBuildDir() {
        BuildOptions o = BuildOptions.parse(List.of(), Path.of("/src/jkata"));
        assertEquals(Path.of("/src/jkata/build/guest"), o.outDir());
        assertEquals(BuildOptions.DEFAULT_KERNELS, o.kernelPackages());
        assertTrue(o.modules().containsAll(List.of("virtiofs", "9p", "9pnet_virtio", "overlay", "erofs", "vsock")));
        assertTrue(!o.initrdOnly() && !o.force());
    }

    @Test
    void parsesEveryOption() {
        BuildOptions o = BuildOptions.parse(List.of("/tmp/out", "--repo", "/r", "--agent-jars", "/a.jar:/lib",
                "--kernel", "linux-image-amd64", "--jvm-opts", "-Xmx32m -XX:+UseSerialGC", "--jlink-opts", "",
                "--initrd-only", "--force"), Path.of("/x"));
        assertEquals(Path.of("/tmp/out"), o.outDir());
        assertEquals(Path.of("/r"), o.repo());
        assertEquals(List.of(Path.of("/a.jar"), Path.of("/lib")), o.agentJars());
        assertEquals(List.of("linux-image-amd64"), o.kernelPackages());
        assertEquals(List.of("-Xmx32m", "-XX:+UseSerialGC"), o.jvmOptions());
        assertEquals(List.of(), o.jlinkOptions());
        assertTrue(o.initrdOnly() && o.force());
    }

    @Test
    void unknownOptionIsNamed() {
        OsBuilderException e = assertThrows(OsBuilderException.class,
                () -> BuildOptions.parse(List.of("--frobnicate"), Path.of("/x")));
        assertTrue(e.getMessage().contains("--frobnicate") && e.getMessage().contains("usage"), e.getMessage());
    }

    @Test
    void optionWithoutValueIsNamed() {
        OsBuilderException e = assertThrows(OsBuilderException.class,
                () -> BuildOptions.parse(List.of("--kernel"), Path.of("/x")));
        assertTrue(e.getMessage().contains("--kernel needs a value"), e.getMessage());
    }
}
