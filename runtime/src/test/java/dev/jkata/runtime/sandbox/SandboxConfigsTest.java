package dev.jkata.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.runtime.config.AgentConfig;
import dev.jkata.runtime.config.KataConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxConfigsTest {

    @Test
    void mapsKataConfigIncludingAgentDebugAndTimeouts() {
        KataConfig kata = KataConfig.defaults()
                .withAgent(new AgentConfig(Duration.ofSeconds(12), false, List.of(), true, 0));
        SandboxConfig c = SandboxConfigs.from(kata, Path.of("/tmp/r"), Path.of("/tmp/s"));
        assertEquals(kata.hypervisor().path(), c.hypervisorPath());
        assertEquals(kata.hypervisor().kernel(), c.kernel());
        assertEquals(Duration.ofSeconds(12), c.agentTimeouts().dial());
        assertEquals(kata.runtime().createContainerTimeout(), c.agentTimeouts().request());
        assertTrue(c.fullKernelParams().contains("agent.log=debug"), c.fullKernelParams());
        assertEquals(c.fullKernelParams().indexOf("agent.log="), c.fullKernelParams().lastIndexOf("agent.log="),
                "agent.log must appear once: " + c.fullKernelParams());
        assertEquals(Path.of("/tmp/r"), c.runRoot());
        assertEquals(Path.of("/tmp/s"), c.sharedRoot());
        assertTrue(c.vcpus() >= 1 && c.memoryMiB() >= 64);
    }
}
