package dev.jkata.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NsenterRunnerTest {

    @Test
    void commandsRunThroughNsenterWithTheToolsAbsolutePath() throws Exception {
        NsenterRunner r = new NsenterRunner(Path.of("/var/run/netns/pod1"));
        List<String> cmd = r.commandLine(List.of("ip", "-j", "link", "show"));
        assertEquals(List.of("/usr/bin/nsenter", "--net=/var/run/netns/pod1", "--"), cmd.subList(0, 3));
        assertTrue(cmd.get(3).startsWith("/") && cmd.get(3).endsWith("/ip"), cmd.toString());
        assertEquals(List.of("-j", "link", "show"), cmd.subList(4, cmd.size()));
    }

    @Test
    void unknownToolAndEmptyCommandAreErrors() {
        NsenterRunner r = new NsenterRunner(Path.of("/var/run/netns/pod1"));
        NetworkException e = assertThrows(NetworkException.class, () -> r.commandLine(List.of("no-such-tool-xyz")));
        assertTrue(e.getMessage().contains("no-such-tool-xyz"), e.getMessage());
        assertThrows(NetworkException.class, () -> r.commandLine(List.of()));
    }
}
