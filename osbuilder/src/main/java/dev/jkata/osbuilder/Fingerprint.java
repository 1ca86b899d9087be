package dev.jkata.osbuilder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** A digest of every input of a guest build; equal digests mean the outputs would be the same. */
final class Fingerprint {
    private Fingerprint() {}

    static String of(String format, BuildOptions o, KernelPackage kp, List<Path> jars, String init) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        text(md, format);
        builderCode(md);
        text(md, kp.root().getFileName().toString());
        text(md, String.join(",", o.modules()));
        text(md, String.join(" ", o.jlinkOptions()));
        text(md, String.join(" ", o.jvmOptions()));
        text(md, init);
        text(md, Files.readString(o.jdk().resolve("release")));
        for (Path j : jars) {
            text(md, j.getFileName().toString());
            file(md, j);
        }
        for (String host : List.of("/usr/bin/crun", "/usr/bin/tini-static", "/usr/bin/tini", "/bin/busybox")) {
            Path p = Path.of(host);
            if (Files.exists(p)) {
                text(md, host + ":" + Files.size(p) + ":" + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The builder's own jar (or class directory): a changed builder makes a new image. */
    private static void builderCode(MessageDigest md) throws IOException {
        var src = Fingerprint.class.getProtectionDomain().getCodeSource();
        if (src == null) {
            return;
        }
        try {
            Path p = Path.of(src.getLocation().toURI());
            if (Files.isRegularFile(p)) {
                file(md, p);
            }
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            text(md, src.getLocation().toString());
        }
    }

    private static void text(MessageDigest md, String s) {
        md.update(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        md.update((byte) 0);
    }

    private static void file(MessageDigest md, Path p) throws IOException {
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(p)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
    }
}
