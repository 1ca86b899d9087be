package dev.jkata.agent.container;

import dev.jkata.agent.AgentException;
import dev.jkata.agent.storage.Mounter;
import dev.jkata.agent.storage.Storages;
import dev.jkata.agent.vm.BusyboxRootfs;
import dev.jkata.proto.agent.Linux;
import dev.jkata.proto.agent.LinuxNamespace;
import dev.jkata.proto.agent.Mount;
import dev.jkata.proto.agent.Process;
import dev.jkata.proto.agent.Root;
import dev.jkata.proto.agent.Spec;
import dev.jkata.ttrpc.Code;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The process model on the host with runc instead of crun (crun refuses this host's hybrid
 * cgroups): foreground run/exec, pipes, exact exit statuses, signals. Needs root.
 */
class RuncSandboxIT {

    private static final Path RUNC = Path.of("/usr/sbin/runc");
    private Path dir;
    private Sandbox sandbox;
    /** The v1 hierarchies' "jkata" parents runc creates and leaves behind; removed if this test made them. */
    private List<Path> parentsMade = List.of();

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Files.isExecutable(RUNC) && BusyboxRootfs.available(), "needs runc and busybox");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        dir = Files.createTempDirectory("agent-runc-it");
        try (var hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            parentsMade = hierarchies.map(h -> h.resolve("jkata")).filter(Files::notExists).toList();
        }
        Mounter none = new Mounter() {
            @Override
            public void mount(String source, String target, String fstype, long flags, String data) {
                throw new AssertionError("no storages in this test");
            }

            @Override
            public void unmount(String target) {
            }
        };
        sandbox = new Sandbox(new OciRuntime(RUNC, dir.resolve("runc-state")), new Storages(none),
                dir.resolve("bundles"), dir.resolve("cgroup"), java.time.Duration.ofMillis(300));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (sandbox != null) {
            sandbox.destroySandbox();
        }
        for (Path p : parentsMade) {
            p.toFile().delete(); // rmdir: only succeeds for an empty cgroup
        }
        if (dir != null) {
            try (var s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Spec spec(String cid, String... args) throws Exception {
        Path rootfs = BusyboxRootfs.create(dir.resolve(cid).resolve("rootfs"));
        return Spec.newBuilder().setVersion("1.0.2")
                .setProcess(Process.newBuilder().addAllArgs(List.of(args)).addEnv("PATH=/bin").setCwd("/"))
                .setRoot(Root.newBuilder().setPath(rootfs.toString()))
                .addMounts(Mount.newBuilder().setDestination("/proc").setType("proc").setSource("proc"))
                .setLinux(Linux.newBuilder()
                        .addNamespaces(LinuxNamespace.newBuilder().setType("pid"))
                        .addNamespaces(LinuxNamespace.newBuilder().setType("mount"))
                        .addNamespaces(LinuxNamespace.newBuilder().setType("network").setPath("/proc/1/ns/net")))
                .build();
    }

    private static String drain(Proc p, boolean out) {
        Stdio io = p.stdio().orElseThrow();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] chunk;
        while ((chunk = out ? io.readStdout(4096) : io.readStderr(4096)) != null) {
            b.writeBytes(chunk);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void exitStatusAndOutput() throws Exception {
        Container c = sandbox.create("r1", List.of(), spec("r1", "/bin/sh", "-c", "echo out; echo err >&2; exit 9"));
        sandbox.start("r1");
        assertEquals("out\n", drain(c.init(), true));
        assertEquals("err\n", drain(c.init(), false));
        assertEquals(9, sandbox.waitProcess("r1", ""));
        sandbox.remove("r1", 10);
        assertThrows(AgentException.class, () -> sandbox.get("r1"));
    }

    @Test
    void execStdinSignalsAndKill() throws Exception {
        sandbox.create("r2", List.of(), spec("r2", "/bin/sleep", "1000"));
        sandbox.start("r2");
        Proc cat = sandbox.exec("r2", "cat", Process.newBuilder().addArgs("/bin/cat").addEnv("PATH=/bin").build());
        cat.stdio().orElseThrow().writeStdin("piped\n".getBytes(StandardCharsets.UTF_8));
        cat.stdio().orElseThrow().closeStdin();
        assertEquals("piped\n", drain(cat, true));
        assertEquals(0, sandbox.waitProcess("r2", "cat"));
        assertEquals(0, sandbox.waitProcess("r2", "cat"), "a second wait answers the same");
        Thread.sleep(1000);
        AgentException gone = assertThrows(AgentException.class, () -> sandbox.waitProcess("r2", "cat"));
        assertEquals(Code.NOT_FOUND, gone.code(), "an exited exec is forgotten after its exit was reported");
        assertTrue(Files.notExists(dir.resolve("bundles/r2/exec-cat")), "its files are removed");

        sandbox.exec("r2", "sleeper", Process.newBuilder().addArgs("/bin/sleep").addArgs("1000").build());
        sandbox.signal("r2", "sleeper", 15);
        assertEquals(143, sandbox.waitProcess("r2", "sleeper"));

        AgentException e = assertThrows(AgentException.class, () -> sandbox.exec("r2", "bad",
                Process.newBuilder().addArgs("/no/such/program").build()));
        assertEquals(Code.INTERNAL, e.code());

        sandbox.signal("r2", "", 9);
        assertEquals(137, sandbox.waitProcess("r2", "r2"));
        sandbox.remove("r2", 10);
    }
}
