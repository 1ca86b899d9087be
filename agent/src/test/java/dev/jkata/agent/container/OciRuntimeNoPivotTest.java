package dev.jkata.agent.container;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OciRuntimeNoPivotTest {

    @TempDir
    Path tmp;

    @Test
    void initramfsRootIsRecognisedFromMountinfo() throws Exception {
        Path initramfs = Files.writeString(tmp.resolve("a"), """
                1 1 0:2 / / rw - rootfs rootfs rw,size=229380k,nr_inodes=57345
                18 1 0:17 / /proc rw,nosuid,nodev,noexec - proc proc rw
                """);
        assertTrue(OciRuntime.rootIsInitramfs(initramfs));
        Path switched = Files.writeString(tmp.resolve("b"), """
                1 1 0:2 / / rw - rootfs rootfs rw
                22 1 0:20 / / rw shared:1 - tmpfs rootfs rw,mode=755
                """);
        assertFalse(OciRuntime.rootIsInitramfs(switched), "the topmost / is the tmpfs after switch_root");
        // what the guest's /init does: a bind mount of the initramfs moved over / (the first mount is
        // outside the chroot, so it is not listed)
        Path bound = Files.writeString(tmp.resolve("d"), """
                23 1 0:2 / / rw - rootfs rootfs rw,size=229380k,nr_inodes=57345
                18 23 0:17 / /proc rw,nosuid,nodev,noexec - proc proc rw
                """);
        assertFalse(OciRuntime.rootIsInitramfs(bound), "a bound initramfs has a parent: pivot_root works");
        Path disk = Files.writeString(tmp.resolve("c"), "25 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n");
        assertFalse(OciRuntime.rootIsInitramfs(disk));
        assertFalse(OciRuntime.rootIsInitramfs(tmp.resolve("missing")));
    }

    @Test
    void noPivotGoesOnRunOnly() {
        OciRuntime rt = new OciRuntime(Path.of("/usr/bin/crun"), Path.of("/run/crun"), true);
        Path b = Path.of("/run/kata-containers/c1");
        assertEquals(List.of("/usr/bin/crun", "--root", "/run/crun", "run", "--no-pivot", "--bundle", b.toString(),
                "--pid-file", b + "/init.pid", "c1"), rt.run("c1", b, null, b.resolve("init.pid"), null).command());
        assertFalse(rt.exec("c1", b.resolve("p.json"), null, b.resolve("pid"), null).command().contains("--no-pivot"));
        assertFalse(new OciRuntime(Path.of("/usr/bin/crun"), Path.of("/run/crun")).noPivot());
    }
}
