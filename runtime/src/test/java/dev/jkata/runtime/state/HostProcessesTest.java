package dev.jkata.runtime.state;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HostProcessesTest {

    @Test
    void aZombieCountsAsDeadAndIsNotWaitedFor() throws Exception {
        // sleep 0 exits at once; its parent exec'd into a sleep that never reaps it: a zombie for 20 s
        Process parent = new ProcessBuilder("sh", "-c", "sleep 0 & exec sleep 20").start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Optional<ProcessHandle> zombie = Optional.empty();
            while (zombie.isEmpty() && System.nanoTime() < deadline) {
                List<ProcessHandle> kids = parent.toHandle().children().toList();
                zombie = kids.stream().filter(k -> HostProcesses.isZombie(k.pid())).findFirst();
                Thread.sleep(20);
            }
            assertTrue(zombie.isPresent(), "a zombie child of " + parent.pid());
            long start = System.nanoTime();
            assertFalse(HostProcesses.kill(zombie.get().pid(), "", Duration.ofSeconds(10)), "nothing left to kill");
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "no wait for the reaper");
            assertFalse(HostProcesses.isZombie(parent.pid()), "a sleeping process is no zombie");
        } finally {
            parent.destroyForcibly();
            parent.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
