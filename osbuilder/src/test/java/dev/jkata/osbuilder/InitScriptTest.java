package dev.jkata.osbuilder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class InitScriptTest {

    @Test
    void scriptHasBothStagesAndStartsTheAgentUnderTini() {
        String s = InitScript.render("6.1.0-56-amd64");
        assertTrue(s.startsWith("#!/bin/sh\n"));
        assertTrue(s.contains("/lib/modules/6.1.0-56-amd64"));
        assertTrue(s.contains("mount --bind / /newroot\n"));
        assertTrue(s.contains("mount --move . /\n"));
        assertTrue(s.contains("exec chroot . /init stage2"));
        assertFalse(s.contains("exec switch_root"), "switch_root would empty the initramfs, which is the new root");
        // the bound root unless jkata.initramfs_root
        assertTrue(s.contains("BOUND_ROOT=1\n"));
        assertTrue(s.contains("*\" jkata.initramfs_root \"*) BOUND_ROOT=0"));
        assertTrue(s.contains("if [ \"$1\" != stage2 ] && [ \"$BOUND_ROOT\" = 1 ]; then"));
        assertTrue(s.contains("mount -t cgroup2"));
        assertTrue(s.contains("+$c\" > /sys/fs/cgroup/cgroup.subtree_control"));
        assertTrue(s.contains("/dev/virtio-ports/$n"));
        assertTrue(s.contains("/usr/bin/tini -s -- /opt/jkata/jvm/bin/java $AOT @/opt/jkata/agent.args"));
    }

    @Test
    void busyboxShellAcceptsTheSyntax(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "busybox not installed");
        Path f = tmp.resolve("init");
        Files.writeString(f, InitScript.render("6.1.0-56-amd64"));
        Process p = new ProcessBuilder("/bin/busybox", "sh", "-n", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }
}
