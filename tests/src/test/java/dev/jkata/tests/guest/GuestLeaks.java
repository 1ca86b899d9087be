package dev.jkata.tests.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Asserts that a closed {@link GuestVm} left nothing behind: no QEMU, no virtiofsd, no mounts, no files. */
final class GuestLeaks {
    private GuestLeaks() {}

    static void assertClean(long qemuPid, Long virtiofsdPid, Path work) throws IOException {
        assertFalse(ProcessHandle.of(qemuPid).map(ProcessHandle::isAlive).orElse(false),
                "QEMU (pid " + qemuPid + ") still running");
        if (virtiofsdPid != null) {
            assertFalse(ProcessHandle.of(virtiofsdPid).map(ProcessHandle::isAlive).orElse(false),
                    "virtiofsd (pid " + virtiofsdPid + ") still running");
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            assertFalse(line.contains(work.toString()), "mount left behind: " + line);
        }
        assertTrue(!Files.exists(work), "work directory left behind: " + work);
    }
}
