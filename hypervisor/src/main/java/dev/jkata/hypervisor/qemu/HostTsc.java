package dev.jkata.hypervisor.qemu;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The host's TSC frequency in kHz, passed to a TCG guest as {@code tsc_early_khz} so that it does not
 * calibrate the TSC itself (calibration under TCG sometimes hangs the boot).
 */
final class HostTsc {

    private HostTsc() {
    }

    /** Reads sysfs {@code tsc_freq_khz} when the kernel has it, otherwise {@code cpu MHz} of /proc/cpuinfo. */
    static OptionalLong probe() {
        return fromTexts(
                AcceleratorProbe.readOrEmpty(Path.of("/sys/devices/system/cpu/cpu0/tsc_freq_khz")),
                AcceleratorProbe.readOrEmpty(Path.of("/proc/cpuinfo")));
    }

    /** Pure form of {@link #probe()}: a sysfs value (may be empty) and a /proc/cpuinfo text. */
    static OptionalLong fromTexts(String sysfsKhz, String cpuinfo) {
        String s = sysfsKhz.trim();
        if (!s.isEmpty()) {
            try {
                long khz = Long.parseLong(s);
                if (khz > 0) {
                    return OptionalLong.of(khz);
                }
            } catch (NumberFormatException e) {
                // fall through to /proc/cpuinfo
            }
        }
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals("cpu MHz")) {
                try {
                    long khz = new BigDecimal(line.substring(colon + 1).trim()).movePointRight(3).longValue();
                    return khz > 0 ? OptionalLong.of(khz) : OptionalLong.empty();
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }
}
