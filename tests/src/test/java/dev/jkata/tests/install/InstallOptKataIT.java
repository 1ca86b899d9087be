package dev.jkata.tests.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/install-opt-kata.sh into a temp prefix (KATA_PREFIX) from this build's jars: the layout, launchers
 * that start with an AOT cache and a jlinked JRE, and a second run that changes nothing.
 */
class InstallOptKataIT {
    @TempDir
    Path dir;

    private Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String key = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    m.put(key, "-> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p)) {
                    m.put(key, Files.size(p) + " " + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
                }
            }
        }
        return m;
    }

    @Test
    void laysDownAWorkingPrefixAndASecondRunChangesNothing() throws Exception {
        Path lib = Tools.repo().resolve("deploy/target/jkata-lib");
        if (!Files.isDirectory(lib)) {
            if (Tools.ci()) {
                throw new AssertionError(lib + " missing: the deploy module copies its dependencies there at package time");
            }
            Assumptions.abort(lib + " missing (mvn package -pl deploy)");
        }
        Path guest = Files.createDirectories(dir.resolve("guest"));
        Files.writeString(guest.resolve("vmlinux.container"), "kernel");
        Files.writeString(guest.resolve("kata-containers-initrd.img"), "initrd");
        Path prefix = dir.resolve("opt-kata");
        Map<String, String> env = Map.of("KATA_PREFIX", prefix.toString(), "KATA_BIN_LINK_DIR", "");
        String script = Tools.repo().resolve("scripts/install-opt-kata.sh").toString();

        Tools.Result first = Tools.run(env, script, "--no-build", "--guest-dir", guest.toString());
        assertEquals(0, first.code(), first.toString());
        for (String f : new String[] {"bin/containerd-shim-kata-v2", "bin/kata-runtime", "bin/kata-deploy"}) {
            assertTrue(Files.isExecutable(prefix.resolve(f)), f + "\n" + first);
        }
        assertTrue(Files.isExecutable(prefix.resolve("lib/jvm/bin/java")), first.toString());
        assertEquals("kernel", Files.readString(prefix.resolve("share/kata-containers/vmlinux.container")));
        assertEquals(Path.of("configuration-qemu.toml"),
                Files.readSymbolicLink(prefix.resolve("share/defaults/kata-containers/configuration.toml")));
        assertEquals(Files.readString(Tools.repo().resolve("config/configuration-qemu.toml")),
                Files.readString(prefix.resolve("share/defaults/kata-containers/configuration-qemu.toml")));
        assertTrue(Files.readString(prefix.resolve("bin/containerd-shim-kata-v2")).contains("export JKATA_SHIM_LAUNCHER"));
        assertTrue(Files.isRegularFile(prefix.resolve("lib/jkata/aot/cli.aot")), "AOT cache trained\n" + first);

        Tools.Result version = Tools.run(Map.of(), prefix.resolve("bin/kata-runtime").toString(), "--version");
        assertEquals(0, version.code(), version.toString());
        assertTrue(version.out().startsWith("kata-runtime  : "), version.toString());
        assertEquals("", version.err(), "no warning from the JVM or the AOT cache");
        Tools.Result deployHelp = Tools.run(Map.of(), prefix.resolve("bin/kata-deploy").toString(), "--help");
        assertEquals(0, deployHelp.code(), deployHelp.toString());

        Map<String, String> before = snapshot(prefix);
        Tools.Result second = Tools.run(env, script, "--no-build", "--guest-dir", guest.toString());
        assertEquals(0, second.code(), second.toString());
        assertTrue(second.out().contains("already up to date"), second.toString());
        assertEquals(before, snapshot(prefix), "the second run rewrites nothing");

        // A stale AOT cache (here: another launcher's) makes the JVM log errors. containerd reads the shim's
        // `start` stdout and stderr together as the socket address: nothing of the JVM's may reach them.
        Path aot = prefix.resolve("lib/jkata/aot");
        Files.copy(aot.resolve("cli.aot"), aot.resolve("shim.aot"), StandardCopyOption.REPLACE_EXISTING);
        String shim = prefix.resolve("bin/containerd-shim-kata-v2").toString();
        Tools.Result v = Tools.run(Map.of(), shim, "-v");
        assertTrue(v.err().contains("[aot]"), "the stale cache is noticed outside start/delete: " + v);
        Tools.Result start = Tools.run(Map.of(), shim, "-namespace", "jkata-it", "-address", "/nonexistent.sock",
                "-id", "x", "start");
        assertFalse((start.out() + start.err()).contains("[aot]"), "JVM log lines in start's output: " + start);
        assertTrue(start.err().contains("containerd-shim-kata-v2: "), "start fails on its own terms: " + start);
    }
}
