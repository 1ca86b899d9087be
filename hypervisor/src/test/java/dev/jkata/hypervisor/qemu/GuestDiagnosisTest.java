package dev.jkata.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestDiagnosisTest {

    @Test
    void registersOfEveryCpuAreReported() {
        String dump = """
                CPU#0
                RAX=0000000000000000 RBX=ffffffff82a0c940 RCX=0000000000000001 RDX=0000000000000000
                RIP=ffffffff81c3b5ae RFL=00000246 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=1
                ES =0000 0000000000000000 00000000 00000000
                CPU#1
                RIP=00007f12a3b4c5d6 RFL=00000202 [-------] CPL=3 II=0 A20=1 SMM=0 HLT=0
                """;
        assertEquals(List.of("vCPU at RIP=ffffffff81c3b5ae CPL=0 HLT=1", "vCPU at RIP=00007f12a3b4c5d6 CPL=3 HLT=0"),
                GuestDiagnosis.registers(dump));
        assertEquals(List.of("no registers in the monitor's answer"), GuestDiagnosis.registers("Error: no cpu\n"));
    }

    @Test
    void cpuTicksAreUtimePlusStimeEvenWithSpacesInTheName(@TempDir Path tmp) throws Exception {
        Path stat = tmp.resolve("stat");
        Files.writeString(stat, "4242 (CPU 0/TCG) R 1 4242 4242 0 -1 4194368 100 0 0 0 731 69 0 0 20 0 3 0\n");
        assertEquals(800, GuestDiagnosis.ticks(stat));
        assertEquals(-1, GuestDiagnosis.ticks(tmp.resolve("missing")));
        Files.writeString(stat, "garbage");
        assertEquals(-1, GuestDiagnosis.ticks(stat));
    }
}
