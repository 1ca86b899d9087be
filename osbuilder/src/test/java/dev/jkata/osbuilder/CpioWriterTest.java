package dev.jkata.osbuilder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpioWriterTest {
    @TempDir
    Path tmp;

    /** One parsed member of a newc archive. */
    record Member(String name, int mode, long mtime, int rdevMajor, int rdevMinor, byte[] data) {}

    static List<Member> parse(byte[] a) {
        List<Member> out = new ArrayList<>();
        int p = 0;
        while (true) {
            assertEquals("070701", new String(a, p, 6, StandardCharsets.US_ASCII), "magic at " + p);
            int mode = hex(a, p + 14);
            long mtime = hex(a, p + 46);
            int size = hex(a, p + 54);
            int rmaj = hex(a, p + 78);
            int rmin = hex(a, p + 86);
            int nameSize = hex(a, p + 94);
            String name = new String(a, p + 110, nameSize - 1, StandardCharsets.UTF_8);
            assertEquals(0, a[p + 110 + nameSize - 1], "name NUL");
            p = align(p + 110 + nameSize);
            byte[] data = java.util.Arrays.copyOfRange(a, p, p + size);
            p = align(p + size);
            if (name.equals("TRAILER!!!")) {
                assertEquals(a.length, p, "trailer ends the archive");
                return out;
            }
            out.add(new Member(name, mode, mtime, rmaj, rmin, data));
        }
    }

    private static int hex(byte[] a, int at) {
        return (int) Long.parseLong(new String(a, at, 8, StandardCharsets.US_ASCII), 16);
    }

    private static int align(int p) {
        return (p + 3) & ~3;
    }

    @Test
    void writesDirectoriesFilesSymlinksAndDevicesInNewcFormat() throws IOException {
        Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve("bin"));
        Files.writeString(root.resolve("bin/hello"), "hello!");
        Files.setPosixFilePermissions(root.resolve("bin/hello"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("busybox"));
        Files.setLastModifiedTime(root.resolve("bin/hello"), java.nio.file.attribute.FileTime.fromMillis(1_234_000));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(bytes)) {
            w.write(new CpioWriter.Entry.CharDevice("dev/console", 0600, 5, 1));
            for (CpioWriter.Entry e : CpioWriter.entriesOf(root)) {
                w.write(e);
            }
        }
        List<Member> m = parse(bytes.toByteArray());
        assertEquals(List.of("dev/console", "bin", "bin/hello", "bin/sh"), m.stream().map(Member::name).toList());
        assertEquals(0020600, m.get(0).mode());
        assertEquals(5, m.get(0).rdevMajor());
        assertEquals(1, m.get(0).rdevMinor());
        assertEquals(0040755 & 0170000, m.get(1).mode() & 0170000);
        assertEquals(0100750, m.get(2).mode());
        assertEquals(1234, m.get(2).mtime());
        assertArrayEquals("hello!".getBytes(), m.get(2).data());
        assertEquals(0120777, m.get(3).mode());
        assertArrayEquals("busybox".getBytes(), m.get(3).data());
    }

    @Test
    void outputIsDeterministic() throws IOException {
        Path root = tmp.resolve("r");
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(root.resolve("a/b/c"), "x".repeat(1001));
        byte[] one = archive(root);
        byte[] two = archive(root);
        assertArrayEquals(one, two);
        assertEquals(0, one.length % 4);
    }

    @Test
    void systemCpioReadsIt() throws Exception {
        Path cpio = Path.of("/usr/bin/cpio");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(cpio), "no /usr/bin/cpio to cross-check with");
        Path root = tmp.resolve("r");
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
        Path out = tmp.resolve("x.cpio");
        Files.write(out, archive(root));
        Process p = new ProcessBuilder("cpio", "-it", "--quiet").redirectInput(out.toFile()).start();
        String listing = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), new String(p.getErrorStream().readAllBytes()));
        assertEquals(List.of("etc", "etc/passwd"), listing.lines().toList());
    }

    private static byte[] archive(Path root) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(bytes)) {
            for (CpioWriter.Entry e : CpioWriter.entriesOf(root)) {
                w.write(e);
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void emptyPathIsRejected() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(OsBuilderException.class, () -> {
            try (CpioWriter w = new CpioWriter(new ByteArrayOutputStream())) {
                w.write(new CpioWriter.Entry.Directory("/", 0755));
            }
        });
        assertTrue(e.getMessage().contains("empty path"));
    }
}
