package dev.jkata.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real mount(2)/umount2(2) on this host; needs root. */
class LinuxMounterIT {

    @TempDir
    Path tmp;

    private final LinuxMounter mounter = new LinuxMounter();

    @BeforeEach
    void needRoot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("LinuxMounterIT needs root");
            }
            Assumptions.abort("LinuxMounterIT needs root");
        }
    }

    @AfterEach
    void unmountLeftovers() throws StorageException {
        mounter.unmountAllUnder(tmp);
    }

    @Test
    void bindReadOnlyOverlaySharedAndUnmountAll() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("f"), "hello");
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        mounter.makeSharedMountPoint(shared);

        Path ro = Files.createDirectories(shared.resolve("ro"));
        mounter.bind(src, ro, true);
        assertEquals("hello", Files.readString(ro.resolve("f")));
        assertThrows(FileSystemException.class, () -> Files.writeString(ro.resolve("g"), "x"),
                "read-only bind refuses writes");

        Path file = Files.createFile(shared.resolve("file"));
        mounter.bind(src.resolve("f"), file, false);
        assertEquals("hello", Files.readString(file));

        Path lower = src;
        Path upper = Files.createDirectories(tmp.resolve("upper"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path merged = Files.createDirectories(shared.resolve("rootfs"));
        mounter.mount("overlay", merged, "overlay",
                List.of("lowerdir=" + lower, "upperdir=" + upper, "workdir=" + work));
        Files.writeString(merged.resolve("new"), "layer");
        assertEquals("layer", Files.readString(upper.resolve("new")), "writes land in the upper dir");

        assertEquals(List.of(merged, file, ro, shared).stream().sorted().toList(),
                mounter.mountPointsUnder(tmp).stream().sorted().toList());
        assertTrue(mounter.mountPointsUnder(tmp).getLast().equals(shared), "the parent is unmounted last");
        mounter.unmountAllUnder(shared);
        assertEquals(List.of(), mounter.mountPointsUnder(tmp));
        assertTrue(Files.exists(src.resolve("f")), "sources untouched");
    }

    @Test
    void errorsNameTheMountAndErrno() throws IOException {
        Path target = Files.createDirectories(tmp.resolve("t"));
        StorageException e = assertThrows(StorageException.class,
                () -> mounter.mount("none", target, "no-such-fs", List.of()));
        assertTrue(e.getMessage().contains("no-such-fs") && e.getMessage().contains(target.toString())
                && e.getMessage().contains("ENODEV"), e.getMessage());
        StorageException notMounted = assertThrows(StorageException.class, () -> mounter.unmount(target));
        assertTrue(LinuxMounter.notMounted(notMounted), notMounted.getMessage());
        assertTrue(notMounted.getMessage().contains("EINVAL"), notMounted.getMessage());
    }
}
