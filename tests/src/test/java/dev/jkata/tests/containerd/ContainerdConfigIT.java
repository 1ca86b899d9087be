package dev.jkata.tests.containerd;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shim's configuration: --runtime-config-path, KATA_CONF_FILE, annotations, bad values. */
class ContainerdConfigIT extends ContainerdItBase {
    static int totalMemMiB(Containerd.Result free) {
        for (String line : free.out().lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 1 && f[0].equals("Mem:")) {
                return Integer.parseInt(f[1]);
            }
        }
        throw new AssertionError("no Mem: line in free -m output: " + free.describe());
    }

    static void assertAbout384(int mib) {
        // the guest kernel keeps some memory for itself; the default configuration has 512 MiB
        assertTrue(mib > 250 && mib <= 384, "guest memory " + mib + " MiB, expected about 384");
    }

    @Test
    void runtimeConfigPathSetsGuestMemory() throws Exception {
        Path cfg = KataSetup.writeConfig(work.resolve("mem384.toml"), assets, Map.of("default_memory", "384"));
        String id = newId();
        Containerd.Result r = containerd.ctr(RUN, "run", "--runtime", RUNTIME, "--runtime-config-path", cfg.toString(),
                "--rm", KataSetup.IMAGE, id, "free", "-m");
        assertEquals(0, r.exit(), r.describe() + "\n" + containerd.log());
        assertAbout384(totalMemMiB(r));
    }

    @Test
    void kataConfFileSetsGuestMemory() throws Exception {
        Path cfg = KataSetup.writeConfig(work.resolve("env384.toml"), assets, Map.of("default_memory", "384"));
        try (Containerd other = Containerd.start(bin, Map.of("KATA_CONF_FILE", cfg.toString()))) {
            KataSetup.importImage(other);
            String id = newId();
            try {
                Containerd.Result r = other.ctr(RUN, "run", "--runtime", RUNTIME, "--rm", KataSetup.IMAGE, id, "free", "-m");
                assertEquals(0, r.exit(), r.describe() + "\n" + other.log());
                assertAbout384(totalMemMiB(r));
            } finally {
                other.removeAll();
            }
        }
    }

    @Test
    void disallowedAnnotationFailsNamingIt() throws Exception {
        String id = newId();
        Containerd.Result r = containerd.ctr(RUN, "run", "--runtime", RUNTIME, "--rm", "--annotation",
                "io.katacontainers.config.hypervisor.path=/usr/bin/qemu-system-x86_64", KataSetup.IMAGE, id, "true");
        assertNotEquals(0, r.exit(), r.describe());
        assertTrue(r.err().contains("io.katacontainers.config.hypervisor.path"), r.describe());
        assertEquals(List.of(), Leaks.awaitGone(id, 10_000));
    }

    @Test
    void malformedValueFailsNamingTheKey() throws Exception {
        Path cfg = KataSetup.writeConfig(work.resolve("bad.toml"), assets, Map.of("default_vcpus", "\"two\""));
        String id = newId();
        Containerd.Result r = containerd.ctr(RUN, "run", "--runtime", RUNTIME, "--runtime-config-path", cfg.toString(),
                "--rm", KataSetup.IMAGE, id, "true");
        assertNotEquals(0, r.exit(), r.describe());
        assertTrue(r.err().contains("default_vcpus"), r.describe());
    }
}
