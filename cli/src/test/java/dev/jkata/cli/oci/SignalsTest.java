package dev.jkata.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.cli.CliException;
import org.junit.jupiter.api.Test;

class SignalsTest {

    @Test
    void namesWithAndWithoutSigPrefixInAnyCase() throws CliException {
        assertEquals(15, Signals.parse("TERM"));
        assertEquals(15, Signals.parse("SIGTERM"));
        assertEquals(9, Signals.parse("kill"));
        assertEquals(9, Signals.parse("SigKill"));
        assertEquals(1, Signals.parse("HUP"));
        assertEquals(10, Signals.parse("USR1"));
        assertEquals(28, Signals.parse("WINCH"));
        assertEquals(19, Signals.parse("STOP"));
    }

    @Test
    void numbersAndRealtimeSignals() throws CliException {
        assertEquals(15, Signals.parse("15"));
        assertEquals(9, Signals.parse(" 9 "));
        assertEquals(34, Signals.parse("RTMIN"));
        assertEquals(37, Signals.parse("SIGRTMIN+3"));
        assertEquals(62, Signals.parse("RTMAX-2"));
    }

    @Test
    void badSignalsAreUsageErrorsNamingTheInput() {
        for (String bad : new String[] {"0", "65", "TERMINATE", "", "RTMIN+40", "-1"}) {
            CliException e = assertThrows(CliException.class, () -> Signals.parse(bad), bad);
            assertEquals(CliException.USAGE, e.status());
            assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
        }
    }
}
