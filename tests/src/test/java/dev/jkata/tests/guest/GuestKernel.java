package dev.jkata.tests.guest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The release of the guest kernel, read from the kernel file itself (its "Linux version X" banner). */
final class GuestKernel {
    private static final Pattern BANNER = Pattern.compile("Linux version (\\S+) \\(");

    private GuestKernel() {}

    static String release(GuestAssets a) throws IOException {
        byte[] buf = new byte[1 << 20];
        String carry = "";
        try (InputStream in = Files.newInputStream(a.kernel())) {
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                String chunk = carry + new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                Matcher m = BANNER.matcher(chunk);
                if (m.find()) {
                    return m.group(1);
                }
                carry = chunk.substring(Math.max(0, chunk.length() - 200));
            }
        }
        throw new IOException("no 'Linux version' banner in " + a.kernel());
    }
}
