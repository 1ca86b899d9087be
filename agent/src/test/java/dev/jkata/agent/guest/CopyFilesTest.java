package dev.jkata.agent.guest;

import dev.jkata.agent.AgentException;
import dev.jkata.ttrpc.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CopyFilesTest {

    @TempDir
    Path tmp;

    @Test
    void rejectsPathsOutsideTheAllowedDirectory() {
        CopyFiles c = new CopyFiles(Path.of("/run/kata-containers"));
        for (String bad : new String[] {"/etc/passwd", "relative/file", "", "/run/kata-containers",
                "/run/kata-containers/../etc/shadow", "/run/kata-containers/./x", "/run/kata-containers//x",
                "/run/kata-containers-evil/x"}) {
            AgentException e = assertThrows(AgentException.class, () -> c.check(bad), bad);
            assertEquals(Code.INVALID_ARGUMENT, e.code());
            assertTrue(e.getMessage().contains("'" + bad + "'") || e.getMessage().contains(bad), e.getMessage());
        }
        assertEquals(Path.of("/run/kata-containers/shared/x/hosts"), c.check("/run/kata-containers/shared/x/hosts"));
    }

    @Test
    void writesChunksAtOffsetsWithModes() throws Exception {
        Path allowed = tmp.resolve("run");
        Files.createDirectories(allowed);
        CopyFiles c = new CopyFiles(allowed);
        String path = allowed.resolve("a/b/resolv.conf").toString();
        byte[] first = "nameserver ".getBytes(StandardCharsets.UTF_8);
        byte[] second = "10.0.0.1\n".getBytes(StandardCharsets.UTF_8);
        int size = first.length + second.length;
        c.write(path, size, 0100640, 0750, -1, -1, 0, first);
        c.write(path, size, 0100640, 0750, -1, -1, first.length, second);
        assertEquals("nameserver 10.0.0.1\n", Files.readString(Path.of(path)));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(path))));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(allowed.resolve("a"))));
        AgentException e = assertThrows(AgentException.class,
                () -> c.write(path, 4, 0644, 0755, -1, -1, 2, first));
        assertEquals(Code.INVALID_ARGUMENT, e.code());
    }

    @Test
    void refusesToWriteThroughASymlink() throws Exception {
        Path allowed = tmp.resolve("run");
        Files.createDirectories(allowed);
        Files.createSymbolicLink(allowed.resolve("link"), tmp.resolve("outside"));
        CopyFiles c = new CopyFiles(allowed);
        AgentException e = assertThrows(AgentException.class, () -> c.write(allowed.resolve("link").toString(),
                1, 0100644, 0755, -1, -1, 0, new byte[] {1}));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("outside")));
    }
}
