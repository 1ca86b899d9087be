package dev.jkata.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.hypervisor.Accelerator;
import dev.jkata.hypervisor.AcceleratorChoice;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class AcceleratorProbeTest {

    static final String INTEL = """
            processor\t: 0
            model name\t: Intel(R) Xeon(R)
            cpu MHz\t\t: 2294.608
            flags\t\t: fpu vme de pse tsc msr vmx ssse3 constant_tsc
            """;
    static final String AMD = "processor\t: 0\nflags\t\t: fpu tsc svm lm\n";
    /** Like this project's build machines: a paravirtual KVM guest without vmx/svm. */
    static final String PVM = "processor\t: 0\ncpu MHz\t\t: 2596.140\nflags\t\t: fpu tsc hypervisor constant_tsc\n";

    @Test
    void autoPicksKvmOnlyWithUsableDeviceAndHardwareFlags() {
        assertEquals(Accelerator.KVM, AcceleratorProbe.decide(AcceleratorChoice.AUTO, true, INTEL).accelerator());
        assertEquals(Accelerator.KVM, AcceleratorProbe.decide(AcceleratorChoice.AUTO, true, AMD).accelerator());
        AcceleratorProbe.Decision pvm = AcceleratorProbe.decide(AcceleratorChoice.AUTO, true, PVM);
        assertEquals(Accelerator.TCG, pvm.accelerator());
        assertTrue(pvm.reason().contains("neither vmx nor svm"), pvm.reason());
        AcceleratorProbe.Decision noDev = AcceleratorProbe.decide(AcceleratorChoice.AUTO, false, INTEL);
        assertEquals(Accelerator.TCG, noDev.accelerator());
        assertTrue(noDev.reason().contains("/dev/kvm"), noDev.reason());
    }

    @Test
    void explicitChoiceWins() {
        assertEquals(Accelerator.KVM, AcceleratorProbe.decide(AcceleratorChoice.KVM, false, PVM).accelerator());
        assertEquals(Accelerator.TCG, AcceleratorProbe.decide(AcceleratorChoice.TCG, true, INTEL).accelerator());
    }

    @Test
    void flagsAreWholeWords() {
        assertEquals(Accelerator.TCG, AcceleratorProbe.decide(AcceleratorChoice.AUTO, true,
                "flags\t: fpu vmxnotreally svmx\n").accelerator());
        assertTrue(AcceleratorProbe.cpuFlags("").isEmpty());
    }

    @Test
    void tscFromSysfsThenCpuMhz() {
        assertEquals(OptionalLong.of(2294000), HostTsc.fromTexts("2294000\n", INTEL));
        assertEquals(OptionalLong.of(2596140), HostTsc.fromTexts("", PVM));
        assertEquals(OptionalLong.of(2294608), HostTsc.fromTexts("garbage", INTEL));
        assertEquals(OptionalLong.empty(), HostTsc.fromTexts("", AMD));
    }
}
