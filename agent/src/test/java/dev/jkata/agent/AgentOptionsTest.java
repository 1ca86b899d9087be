package dev.jkata.agent;

import dev.jkata.ttrpc.Code;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentOptionsTest {

    @Test
    void parsesAgentParametersAndKeepsUnknownOnes() {
        AgentOptions o = AgentOptions.parse("console=ttyS0 quiet agent.log=debug agent.debug_console "
                + "agent.log_vport=1025 agent.container_pipe_size=65536 agent.trace=true panic=1\n");
        assertEquals(System.Logger.Level.DEBUG, o.logLevel());
        assertTrue(o.debugConsole());
        assertEquals(1025, o.logVport());
        assertEquals(65536, o.containerPipeSize());
        assertEquals(List.of("agent.trace=true"), o.unknown());
    }

    @Test
    void defaultsWithoutParameters() {
        AgentOptions o = AgentOptions.parse("console=ttyS0 tsc=reliable");
        assertEquals(AgentOptions.defaults(), o);
        assertFalse(o.debugConsole());
    }

    @Test
    void badValuesNameTheParameter() {
        AgentException e = assertThrows(AgentException.class, () -> AgentOptions.parse("agent.log=loud"));
        assertEquals(Code.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("agent.log=loud"), e.getMessage());
        e = assertThrows(AgentException.class, () -> AgentOptions.parse("agent.log_vport=x"));
        assertTrue(e.getMessage().contains("agent.log_vport=x"), e.getMessage());
        e = assertThrows(AgentException.class, () -> AgentOptions.parse("agent.container_pipe_size=-1"));
        assertTrue(e.getMessage().contains("non-negative"), e.getMessage());
    }
}
