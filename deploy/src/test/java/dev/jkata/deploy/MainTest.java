package dev.jkata.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path root;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void unknownArgumentsAreUsageErrors() {
        assertEquals(2, run("--bogus", "install"));
        assertTrue(err.toString().contains("unknown argument \"--bogus\""), err.toString());
        assertTrue(err.toString().contains("usage: kata-deploy"));
        assertEquals(2, run());
        assertEquals(2, run("--root"));
        assertEquals(1, run("--targets", "crio", "install"));
        assertTrue(err.toString().contains("unknown target \"crio\""), err.toString());
    }

    @Test
    void installAndUninstallWithARoot() throws Exception {
        assertEquals(0, run("--root", root.toString(), "--containerd-version", "2.1.0", "--targets",
                "containerd,podman", "install"));
        assertTrue(Files.exists(root.resolve("etc/containerd/conf.d/kata-deploy.toml")));
        assertTrue(Files.exists(root.resolve("etc/containers/containers.conf")));
        assertTrue(Files.notExists(root.resolve("etc/docker")), "docker was not chosen");
        assertEquals(0, run("--root", root.toString(), "uninstall"));
        assertTrue(Files.notExists(root.resolve("etc")));
    }

    @Test
    void runtimeClassesArePrinted() {
        assertEquals(0, run("runtimeclasses"));
        String s = out.toString();
        assertTrue(s.contains("name: kata\n") && s.contains("handler: kata-qemu\n"), s);
        assertTrue(s.contains("memory: \"" + RuntimeClasses.MEMORY_OVERHEAD + "\""), s);
    }

    @Test
    void containerdVersions() throws DeployException {
        assertEquals(new ContainerdVersion(1, 6),
                ContainerdVersion.parse("containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3"));
        assertEquals(new ContainerdVersion(2, 0),
                ContainerdVersion.parse("containerd github.com/containerd/containerd/v2 v2.0.0 207ad711eabd375a01713109a8a197d197ff6542"));
        assertEquals(3, ContainerdVersion.parse("2.1").configVersion());
        assertThrows(DeployException.class, () -> ContainerdVersion.parse("latest"));
    }
}
