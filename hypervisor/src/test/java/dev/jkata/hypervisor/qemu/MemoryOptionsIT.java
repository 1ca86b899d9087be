package dev.jkata.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jkata.hypervisor.Accelerator;
import dev.jkata.hypervisor.AcceleratorChoice;
import dev.jkata.hypervisor.MemoryOptions;
import dev.jkata.hypervisor.SharedFs;
import dev.jkata.hypervisor.VmConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real guest with a bounded TCG code buffer and a free-page-reporting balloon boots to its init. */
class MemoryOptionsIT {

    private static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
    /** The kernel (with the balloon device and the bounded code buffer) got as far as the guest's init. */
    private static final String BOOTED = "Run /init as init process";

    @TempDir
    Path tmp;

    @Test
    void guestWithBalloonAndSmallCodeBufferBootsAndQemuAnswersForTheBalloon() throws Exception {
        GuestAssets assets = GuestAssets.require();
        VmConfig c = new VmConfig("it-mem", tmp.resolve("state"), QEMU, assets.kernel(), assets.initrd(), null,
                "", "", 1, 1, 256, new SharedFs.None(), AcceleratorChoice.AUTO, true)
                .withMemory(new MemoryOptions(true, 96));
        try (QemuVm vm = (QemuVm) new Qemu().start(c)) {
            String cmdline = Files.readString(Path.of("/proc/" + vm.pid() + "/cmdline")).replace('\0', ' ');
            assertTrue(cmdline.contains("free-page-reporting=on"), cmdline);
            if (vm.accelerator() == Accelerator.TCG) {
                assertTrue(cmdline.contains("tb-size=96"), cmdline);
            }
            // The balloon exists: QEMU reports its size (256 MiB, never inflated) instead of "No balloon device".
            JsonNode balloon = vm.qmp().execute("query-balloon", Map.of(), Duration.ofSeconds(10));
            assertEquals(256L << 20, balloon.path("actual").asLong(), balloon.toString());
            long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
            String console = "";
            while (System.nanoTime() < deadline && !console.contains(BOOTED)) {
                Thread.sleep(250);
                console = Files.exists(vm.consoleLog())
                        ? Files.readString(vm.consoleLog(), StandardCharsets.ISO_8859_1) : "";
                assertFalse(vm.exited().isDone(), () -> "QEMU exited: " + qemuLog(c) + "\nconsole: " + tail(vm));
            }
            assertTrue(console.contains(BOOTED), "console " + vm.consoleLog() + " never showed \"" + BOOTED + "\"");
        }
    }

    private static String qemuLog(VmConfig c) {
        try {
            return Files.readString(c.stateDir().resolve("qemu.log"));
        } catch (java.io.IOException e) {
            return "(no qemu.log: " + e + ")";
        }
    }

    private static String tail(QemuVm vm) {
        try {
            String s = Files.readString(vm.consoleLog(), StandardCharsets.ISO_8859_1);
            return s.substring(Math.max(0, s.length() - 2000));
        } catch (java.io.IOException e) {
            return "(no console: " + e + ")";
        }
    }
}
