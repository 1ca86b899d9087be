package dev.jkata.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountOptionsTest {

    @Test
    void splitsFlagsPropagationAndData() {
        MountOptions o = MountOptions.parse(List.of("rbind", "ro", "nosuid", "rprivate", "lowerdir=/a:/b", "upperdir=/u"));
        assertTrue(o.isBind());
        assertTrue(o.isReadOnly());
        assertEquals(MountOptions.MS_BIND | MountOptions.MS_REC | MountOptions.MS_RDONLY | MountOptions.MS_NOSUID,
                o.flags());
        assertEquals(MountOptions.MS_PRIVATE | MountOptions.MS_REC, o.propagation());
        assertEquals("lowerdir=/a:/b,upperdir=/u", o.data());
        assertEquals(0, MountOptions.parse(List.of("ro", "rw")).flags(), "later rw clears ro");
        assertEquals(new MountOptions(0, 0, ""), MountOptions.parse(null));
    }

    @Test
    void readsMountPointsDeepestFirstWithEscapes(@TempDir Path tmp) throws Exception {
        Path info = tmp.resolve("mountinfo");
        Files.writeString(info, String.join("\n",
                "22 1 0:21 / /run rw,nosuid shared:5 - tmpfs tmpfs rw",
                "30 22 0:40 / /run/k/sb/shared rw shared:9 - tmpfs tmpfs rw",
                "31 30 0:41 / /run/k/sb/shared/c1/rootfs rw shared:9 - overlay overlay rw,lowerdir=/l",
                "32 30 8:1 /vol /run/k/sb/shared/c1/mounts/0-my\\040vol rw - ext4 /dev/sda1 rw",
                "33 22 0:42 / /run/other rw - tmpfs tmpfs rw",
                ""));
        LinuxMounter m = new LinuxMounter(null, info);
        List<Path> points = m.mountPointsUnder(Path.of("/run/k/sb"));
        assertEquals(List.of(Path.of("/run/k/sb/shared/c1/mounts/0-my vol"), Path.of("/run/k/sb/shared/c1/rootfs"),
                Path.of("/run/k/sb/shared")), points);
    }
}
