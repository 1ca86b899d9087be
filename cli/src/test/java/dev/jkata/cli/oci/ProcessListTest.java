package dev.jkata.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessListTest {

    @Test
    void theListingLosesOnlyThePsCommandsOwnLine() {
        String busybox = "PID   USER     TIME  COMMAND\n"
                + "    1 root      0:00 sh -c trap 'exit 0' TERM; while true; do sleep 1; done\n"
                + "   12 root      0:00 sleep 1\n"
                + "   13 root      0:00 ps -ef\n";
        assertEquals("PID   USER     TIME  COMMAND\n"
                + "    1 root      0:00 sh -c trap 'exit 0' TERM; while true; do sleep 1; done\n"
                + "   12 root      0:00 sleep 1\n", ProcessList.withoutSelf(busybox, List.of("ps", "-ef")));
        assertEquals("PID COMM\n1 sh\n", ProcessList.withoutSelf("PID COMM\n1 sh", List.of("ps", "-o", "pid,comm")));
    }
}
