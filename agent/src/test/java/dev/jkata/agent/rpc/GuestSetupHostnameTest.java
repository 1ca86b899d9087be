package dev.jkata.agent.rpc;

import dev.jkata.agent.AgentException;
import dev.jkata.ttrpc.Code;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Only bad names: a good one would rename the machine running the test. */
class GuestSetupHostnameTest {

    @Test
    void rejectsNamesTheKernelWouldRefuseBeforeWritingAnything() {
        for (String bad : new String[] {"", "x".repeat(65), "two\nlines", "nul\0byte"}) {
            AgentException e = assertThrows(AgentException.class, () -> GuestSetup.setHostname(bad), bad);
            assertEquals(Code.INVALID_ARGUMENT, e.code(), bad);
            assertTrue(e.getMessage().contains("hostname"), e.getMessage());
        }
    }

    @Test
    void writesWhereTheKernelKeepsTheHostname() {
        assertEquals("/proc/sys/kernel/hostname", GuestSetup.PROC_HOSTNAME.toString());
    }
}
