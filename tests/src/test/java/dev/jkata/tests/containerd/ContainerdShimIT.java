package dev.jkata.tests.containerd;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * containerd-shim-kata-v2 end to end: a real containerd 1.6 and ctr, the shim under test on
 * containerd's PATH, real QEMU VMs.
 */
class ContainerdShimIT extends ContainerdItBase {
    @Test
    void unameShowsTheGuestKernelWhileQemuRuns() throws Exception {
        String id = newId();
        String hostKernel = Containerd.run(List.of("uname", "-r"), Duration.ofSeconds(10), null).out().strip();
        AtomicBoolean sawQemu = new AtomicBoolean();
        AtomicBoolean sawBalloon = new AtomicBoolean();
        Thread watcher = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted() && !sawQemu.get()) {
                for (String p : Leaks.processesMentioning(id)) {
                    if (p.contains("qemu-system")) {
                        sawBalloon.set(p.contains("free-page-reporting=on"));
                        sawQemu.set(true);
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        // the shipped configuration's reclaim_guest_freed_memory: the guest's balloon driver is bound
        Containerd.Result r = runRm(id, "sh", "-c", "uname -r; ls /sys/bus/virtio/drivers/virtio_balloon");
        watcher.interrupt();
        assertEquals(0, r.exit(), r.describe() + "\n" + containerd.log());
        String guestKernel = r.out().lines().findFirst().orElse("").strip();
        assertTrue(r.out().matches("(?s).*\\bvirtio\\d+\\b.*"), "a virtio device bound to virtio_balloon: " + r.describe());
        assertFalse(guestKernel.isEmpty(), r.describe());
        assertNotEquals(hostKernel, guestKernel, "the container must run the guest's kernel");
        assertTrue(sawQemu.get(), "a qemu-system process of sandbox " + id + " ran during the container");
        assertTrue(sawBalloon.get(), "QEMU has the free-page-reporting balloon");
    }

    @Test
    void exitStatusComesThrough() throws Exception {
        String id = newId();
        Containerd.Result r = runRm(id, "sh", "-c", "echo to-stderr >&2; exit 7");
        assertEquals(7, r.exit(), r.describe() + "\n" + containerd.log());
        assertTrue(r.err().contains("to-stderr"), "stderr reaches ctr: " + r.describe());
    }

    @Test
    void ttyWithTypedInput() throws Exception {
        String id = newId();
        String ctr = String.join(" ", "ctr", "-a", containerd.socket().toString(), "-n", Containerd.NAMESPACE,
                "run", "-t", "--rm", "--runtime", RUNTIME, KataSetup.IMAGE, id, "sh");
        // script gives ctr a real pty; the typed lines wait in it until the shell reads them
        Process p = new ProcessBuilder("script", "-qec", ctr, "/dev/null").redirectErrorStream(true).start();
        var typed = p.getOutputStream();
        typed.write("echo typed-$((6*7)) in $(tty)\nexit 5\n".getBytes());
        typed.flush();
        String out;
        boolean done;
        try {
            done = p.waitFor(RUN.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly().waitFor();
            }
            out = new String(p.getInputStream().readAllBytes());
        } finally {
            typed.close();
        }
        assertTrue(done, "ctr run -t did not finish: " + out + "\n" + containerd.log());
        assertTrue(out.contains("typed-42 in /dev/pts/"), "the shell in the guest read the typed line on a tty: " + out);
        assertEquals(5, p.exitValue(), out);
    }

    @Test
    void pipedStdinReachesTheContainerAndItsEndClosesIt() throws Exception {
        String id = newId();
        List<String> cmd = List.of("ctr", "-a", containerd.socket().toString(), "-n", Containerd.NAMESPACE, "run",
                "--runtime", RUNTIME, "--rm", KataSetup.IMAGE, id, "sh", "-c", "tr a-z A-Z; echo done-$?");
        Containerd.Result r = Containerd.run(cmd, RUN, "piped through the guest\n".getBytes());
        assertEquals(0, r.exit(), r.describe() + "\n" + containerd.log());
        assertEquals("PIPED THROUGH THE GUEST\ndone-0\n", r.out(), "stdin copied in, EOF (CloseIO) ends tr\n" + containerd.log());
    }
}
