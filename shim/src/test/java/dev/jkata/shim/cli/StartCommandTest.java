package dev.jkata.shim.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.Any;
import dev.jkata.proto.runtimeoptions.Options;
import dev.jkata.shim.ShimException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartCommandTest {
    @TempDir
    Path dir;

    ShimFlags flags(String id) {
        return ShimFlags.parse(new String[] {"-namespace", "default", "-address", "/run/c.sock", "-publish-binary",
                "/usr/bin/containerd", "-id", id, "start"});
    }

    Path bundle(String json) throws Exception {
        Path b = Files.createDirectories(dir.resolve("bundle"));
        Files.writeString(b.resolve("config.json"), json);
        return b;
    }

    @Test
    void podContainerJoinsTheRunningSandboxShim() throws Exception {
        Path root = dir.resolve("s");
        Files.createDirectories(root);
        String sandboxAddress = ShimAddress.of(root, "/run/c.sock", "default", "sb1");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(ShimAddress.socketPath(sandboxAddress)));
            Path b = bundle("""
                    {"annotations":{"io.kubernetes.cri.container-type":"container","io.kubernetes.cri.sandbox-id":"sb1"}}""");
            String address = new StartCommand(root, Duration.ofSeconds(5)).run(flags("c2"), b, new byte[0], Map.of());
            assertEquals(sandboxAddress, address);
            assertEquals(sandboxAddress, Files.readString(b.resolve("address")));
        }
    }

    @Test
    void podContainerWithoutItsSandboxShimFails() throws Exception {
        Path b = bundle("""
                {"annotations":{"io.kubernetes.cri.container-type":"container","io.kubernetes.cri.sandbox-id":"sb9"}}""");
        ShimException e = assertThrows(ShimException.class,
                () -> new StartCommand(dir, Duration.ofSeconds(5)).run(flags("c2"), b, new byte[0], Map.of()));
        assertTrue(e.getMessage().contains("sandbox sb9"), e.getMessage());
    }

    @Test
    void spawnsTheDaemonDetachedAndWaitsForItsSocket() throws Exception {
        Path launcher = dir.resolve("launcher.sh");
        Files.writeString(launcher, """
                #!/bin/sh
                while [ $# -gt 0 ]; do case "$1" in -socket) S="$2"; shift;; esac; shift; done
                printf '%s' "$JKATA_SHIM_CONFIG_PATH" > daemon-config
                exec socat UNIX-LISTEN:"$S",fork /dev/null
                """);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        Path b = bundle("{}");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(SelfCommand.LAUNCHER_ENV, launcher.toString());
        byte[] options = Any.newBuilder().setTypeUrl("runtimeoptions.v1.Options")
                .setValue(Options.newBuilder().setConfigPath("/x/kata.toml").build().toByteString()).build().toByteArray();
        Path root = dir.resolve("s");
        String address = new StartCommand(root, Duration.ofSeconds(20)).run(flags("t1"), b, options, env);
        long pid = Long.parseLong(Files.readString(b.resolve("shim.pid")));
        try {
            assertEquals(ShimAddress.of(root, "/run/c.sock", "default", "t1"), address);
            assertEquals(address, Files.readString(b.resolve("address")));
            assertTrue(StartCommand.canConnect(address));
            assertEquals("/x/kata.toml", Files.readString(b.resolve("daemon-config")));
            // a second start finds the live daemon and does not spawn another
            assertEquals(address, new StartCommand(root, Duration.ofSeconds(5)).run(flags("t1"), b, new byte[0], env));
            assertEquals(pid, Long.parseLong(Files.readString(b.resolve("shim.pid"))));
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void daemonThatDiesEarlyIsReportedWithItsOutput() throws Exception {
        Path launcher = dir.resolve("bad.sh");
        Files.writeString(launcher, "#!/bin/sh\necho 'no java here' >&2\nexit 3\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        Path b = bundle("{}");
        ShimException e = assertThrows(ShimException.class, () -> new StartCommand(dir.resolve("s"), Duration.ofSeconds(20))
                .run(flags("t2"), b, new byte[0], Map.of(SelfCommand.LAUNCHER_ENV, launcher.toString(), "PATH",
                        System.getenv("PATH"))));
        assertTrue(e.getMessage().contains("status 3") && e.getMessage().contains("no java here"), e.getMessage());
    }

    @Test
    void badConfigJsonIsNamed() throws Exception {
        Path b = bundle("[1,2]");
        ShimException e = assertThrows(ShimException.class,
                () -> new StartCommand(dir, Duration.ofSeconds(1)).run(flags("t3"), b, new byte[0], Map.of()));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }

    @Test
    void jvmPrefixStopsAtTheMainModule() {
        assertEquals(java.util.List.of("/j/java", "-Xmx32m", "-p", "/lib", "-m", "dev.jkata.shim/dev.jkata.shim.Main"),
                SelfCommand.jvmPrefix("/j/java", new String[] {"-Xmx32m", "-p", "/lib", "-m",
                        "dev.jkata.shim/dev.jkata.shim.Main", "-namespace", "x", "start"}));
    }
}
