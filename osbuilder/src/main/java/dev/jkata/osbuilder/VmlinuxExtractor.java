package dev.jkata.osbuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;

/**
 * Gets the uncompressed ELF kernel out of a compressed kernel image (bzImage / vmlinuz), the way the
 * kernel tree's extract-vmlinux does it: look for each known compression magic inside the image,
 * decompress from there and keep the first result that is an ELF file.
 */
public final class VmlinuxExtractor {
    private static final System.Logger LOG = System.getLogger(VmlinuxExtractor.class.getName());
    private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};
    /** How many occurrences of one magic are tried before moving to the next format. */
    private static final int MAX_TRIES_PER_FORMAT = 8;

    /** A compression format: its magic and the system tool that decompresses a stream of it. */
    public enum Format {
        GZIP(new byte[] {0x1f, (byte) 0x8b, 0x08}, List.of("gzip", "-dc")),
        XZ(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0x00}, List.of("xz", "-dc")),
        ZSTD(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}, List.of("zstd", "-dc")),
        LZ4(new byte[] {0x02, 0x21, 0x4c, 0x18}, List.of("lz4", "-dc")),
        BZIP2(new byte[] {'B', 'Z', 'h'}, List.of("bzip2", "-dc")),
        LZMA(new byte[] {0x5d, 0x00, 0x00, 0x00}, List.of("xz", "--format=lzma", "-dc")),
        LZO(new byte[] {(byte) 0x89, 'L', 'Z', 'O'}, List.of("lzop", "-dc"));

        private final byte[] magic;
        private final List<String> tool;

        Format(byte[] magic, List<String> tool) {
            this.magic = magic;
            this.tool = tool;
        }

        public byte[] magic() {
            return magic.clone();
        }
    }

    /** Where in the image a format's magic was found. */
    public record Candidate(Format format, int offset) {}

    /** True if {@code data} starts with the ELF magic. */
    public static boolean isElf(byte[] data) {
        return data.length >= 4 && indexOf(data, ELF_MAGIC, 0) == 0;
    }

    /** All places where a compression magic occurs, in format order then offset order. */
    public static List<Candidate> candidates(byte[] image) {
        List<Candidate> out = new ArrayList<>();
        for (Format f : Format.values()) {
            int from = 0;
            int n = 0;
            while (n < MAX_TRIES_PER_FORMAT) {
                int at = indexOf(image, f.magic, from);
                if (at < 0) {
                    break;
                }
                out.add(new Candidate(f, at));
                from = at + 1;
                n++;
            }
        }
        return out;
    }

    /** Extracts the ELF kernel from {@code vmlinuz} into {@code out} (written atomically). */
    public static Candidate extract(Path vmlinuz, Path out) {
        byte[] image;
        try {
            image = Files.readAllBytes(vmlinuz);
        } catch (IOException e) {
            throw new OsBuilderException("cannot read kernel image " + vmlinuz, e);
        }
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        if (isElf(image)) {
            write(tmp, image);
            move(tmp, out);
            return null;
        }
        for (Candidate c : candidates(image)) {
            byte[] elf = decompress(c, image);
            if (elf != null && isElf(elf)) {
                write(tmp, elf);
                move(tmp, out);
                LOG.log(System.Logger.Level.DEBUG, "kernel payload: {0} at offset {1}", c.format(), c.offset());
                return c;
            }
        }
        throw new OsBuilderException("no compressed ELF kernel found in " + vmlinuz
                + " (tried gzip, xz, zstd, lz4, bzip2, lzma, lzo payloads)");
    }

    /** Decompresses from the candidate's offset; null if that does not give any data. */
    static byte[] decompress(Candidate c, byte[] image) {
        if (c.format() == Format.GZIP) {
            try (InputStream in = new GZIPInputStream(
                    new ByteArrayInputStream(image, c.offset(), image.length - c.offset()))) {
                return in.readAllBytes();
            } catch (IOException e) {
                return null; // not a real gzip stream at this offset, or trailing garbage: try the next
            }
        }
        return decompressWithTool(c.format().tool, image, c.offset());
    }

    private static byte[] decompressWithTool(List<String> tool, byte[] image, int offset) {
        Process p;
        try {
            p = new ProcessBuilder(tool).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "decompressor {0} not available: {1}", tool.getFirst(), e.getMessage());
            return null;
        }
        CompletableFuture<Void> feeder = CompletableFuture.runAsync(() -> {
            try (OutputStream os = p.getOutputStream()) {
                os.write(image, offset, image.length - offset);
            } catch (IOException ignored) {
                // the tool stops reading at the end of its stream; the rest is trailing data
            }
        }, Thread::startVirtualThread);
        try (InputStream in = p.getInputStream()) {
            byte[] data = in.readAllBytes();
            p.waitFor();
            feeder.join();
            // tools complain about trailing garbage after the stream with a non-zero exit: the data is still good
            return data.length == 0 ? null : data;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new OsBuilderException("interrupted while decompressing the kernel", e);
        }
    }

    static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void write(Path p, byte[] data) {
        try {
            Files.write(p, data);
        } catch (IOException e) {
            throw new OsBuilderException("cannot write " + p, e);
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new OsBuilderException("cannot move " + from + " to " + to, e);
        }
    }

    private VmlinuxExtractor() {}
}
