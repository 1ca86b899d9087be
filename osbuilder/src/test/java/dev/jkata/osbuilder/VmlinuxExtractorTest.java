package dev.jkata.osbuilder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VmlinuxExtractorTest {
    @TempDir
    Path tmp;

    private static byte[] fakeKernel() {
        byte[] k = new byte[200_000];
        new Random(7).nextBytes(k);
        k[0] = 0x7f;
        k[1] = 'E';
        k[2] = 'L';
        k[3] = 'F';
        return k;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(data);
        }
        return b.toByteArray();
    }

    /** A bzImage-like file: setup code, a decoy magic, the compressed payload, trailing data. */
    private static byte[] image(byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("setup code MZ\0\0\0".repeat(100).getBytes());
        b.writeBytes(new byte[] {0x1f, (byte) 0x8b, 0x08, 0, 0, 0}); // a gzip magic that is not a stream
        b.writeBytes("more setup".getBytes());
        b.writeBytes(payload);
        b.writeBytes("trailing build id and padding".getBytes());
        return b.toByteArray();
    }

    @Test
    void findsTheGzipPayloadPastADecoy() throws IOException {
        byte[] kernel = fakeKernel();
        Path in = tmp.resolve("vmlinuz");
        Files.write(in, image(gzip(kernel)));
        Path out = tmp.resolve("vmlinux");
        VmlinuxExtractor.Candidate c = VmlinuxExtractor.extract(in, out);
        assertEquals(VmlinuxExtractor.Format.GZIP, c.format());
        assertArrayEquals(kernel, Files.readAllBytes(out));
    }

    @Test
    void xzPayloadWithTheSystemTool() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/xz")), "xz not installed");
        byte[] kernel = fakeKernel();
        Path raw = tmp.resolve("raw");
        Files.write(raw, kernel);
        Process p = new ProcessBuilder("xz", "-c", "--check=crc32", raw.toString()).start();
        byte[] xz = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        Path in = tmp.resolve("vmlinuz");
        Files.write(in, image(xz));
        Path out = tmp.resolve("vmlinux");
        assertEquals(VmlinuxExtractor.Format.XZ, VmlinuxExtractor.extract(in, out).format());
        assertArrayEquals(kernel, Files.readAllBytes(out));
    }

    @Test
    void anUncompressedElfIsCopied() throws IOException {
        byte[] kernel = fakeKernel();
        Path in = tmp.resolve("vmlinux.in");
        Files.write(in, kernel);
        Path out = tmp.resolve("vmlinux");
        assertEquals(null, VmlinuxExtractor.extract(in, out));
        assertArrayEquals(kernel, Files.readAllBytes(out));
    }

    @Test
    void noPayloadIsAnErrorNamingTheFile() throws IOException {
        Path in = tmp.resolve("garbage");
        Files.write(in, "no kernel in here".repeat(1000).getBytes());
        OsBuilderException e = assertThrows(OsBuilderException.class,
                () -> VmlinuxExtractor.extract(in, tmp.resolve("out")));
        assertTrue(e.getMessage().contains(in.toString()), e.getMessage());
        assertTrue(!Files.exists(tmp.resolve("out")));
    }

    @Test
    void candidatesListEveryMagic() {
        byte[] img = image(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 1, 2, 3});
        var c = VmlinuxExtractor.candidates(img);
        assertTrue(c.stream().anyMatch(x -> x.format() == VmlinuxExtractor.Format.GZIP));
        assertTrue(c.stream().anyMatch(x -> x.format() == VmlinuxExtractor.Format.ZSTD));
    }
}
