package dev.jkata.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PtyTest {

    private final Sys sys = Sys.linux();

    @Test
    void windowSizeRoundTripOnMasterAndSlave() throws Exception {
        try (Pty pty = sys.openPty()) {
            assertTrue(pty.slavePath().startsWith("/dev/pts/"), pty.slavePath());
            sys.setWindowSize(pty.master().value(), new WindowSize(42, 132, 8, 16));
            assertEquals(new WindowSize(42, 132, 8, 16), sys.windowSize(pty.master().value()));
            try (Fd slave = pty.openSlave()) {
                assertEquals(new WindowSize(42, 132, 8, 16), sys.windowSize(slave.value()));
                sys.setWindowSize(slave.value(), new WindowSize(24, 80));
            }
            assertEquals(new WindowSize(24, 80), sys.windowSize(pty.master().value()));
        }
    }

    @Test
    void bytesFlowAndSlaveCloseEndsTheMasterStream() throws Exception {
        try (Pty pty = sys.openPty()) {
            FdInputStream in = pty.masterInput();
            try (FileOutputStream slave = new FileOutputStream(pty.slavePath())) {
                slave.write("hi\n".getBytes(StandardCharsets.US_ASCII));
                slave.flush();
                byte[] buf = new byte[16];
                int n = in.read(buf);
                // the line discipline turns \n into \r\n
                assertEquals("hi\r\n", new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
            assertEquals(-1, in.read(), "EIO after the slave closes reads as end of stream");
        }
    }

    @Test
    void rawModePassesBinaryUnchanged() throws Exception {
        try (Pty pty = sys.openPty(); Fd slave = pty.openSlave()) {
            sys.makeRaw(slave.value());
            byte[] all = new byte[256];
            for (int i = 0; i < all.length; i++) {
                all[i] = (byte) i;
            }
            new FdOutputStream(slave).write(all);
            assertEquals(java.util.HexFormat.of().formatHex(all),
                    java.util.HexFormat.of().formatHex(pty.masterInput().readNBytes(all.length)));
            pty.masterOutput().write(all);
            assertEquals(java.util.HexFormat.of().formatHex(all),
                    java.util.HexFormat.of().formatHex(new FdInputStream(slave).readNBytes(all.length)));
        }
        try (Sys.Pipe p = sys.pipe()) {
            SysException e = assertThrows(SysException.class, () -> sys.makeRaw(p.read().value()));
            assertEquals(Errno.ENOTTY, e.errno());
        }
    }

    @Test
    void windowSizeOnANonTerminalNamesTheCall() throws Exception {
        try (Sys.Pipe p = sys.pipe()) {
            SysException e = assertThrows(SysException.class, () -> sys.windowSize(p.read().value()));
            assertEquals(Errno.ENOTTY, e.errno());
            assertTrue(e.getMessage().contains("TIOCGWINSZ") && e.getMessage().endsWith("ENOTTY (25)"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new WindowSize(70000, 1));
    }
}
