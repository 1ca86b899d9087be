package dev.jkata.ttrpc;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * containerd's Go ttrpc client against our server: containerd starts {@link MiniShim} as a shim
 * v2 runtime and calls Task.Create on it over ttrpc; the shim records what it decoded and
 * refuses with a status, whose message must come back through containerd to ctr.
 */
class GoClientIT {

    @Test
    void containerdCallsOurServerAndGetsOurStatus() throws Exception {
        assumeTrue(ContainerdProcess.available(), "containerd and ctr are installed and we are root");
        Path dir = Files.createTempDirectory("jkata-goit");
        try {
            Path shim = dir.resolve("containerd-shim-jkatait-v2");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = classpath();
            Files.writeString(shim, "#!/bin/sh\nexec " + java + " -cp '" + cp + "' " + MiniShim.class.getName() + " \"$@\"\n");
            Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
            try (ContainerdProcess containerd = ContainerdProcess.start(dir, Map.of("JKATA_IT_DIR", dir.toString()))) {
                Process ctr = new ProcessBuilder(ContainerdProcess.CTR.toString(), "-a", containerd.grpcSock.toString(),
                        "-n", "jkata-it", "run", "--rootfs", "--runtime", shim.toString(),
                        rootfs.toString(), "goit-1", "/bin/true").redirectErrorStream(true).start();
                boolean done = ctr.waitFor(120, TimeUnit.SECONDS);
                String out = new String(ctr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!done) {
                    ctr.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                assertTrue(done, "ctr run did not finish: " + out);
                assertNotEquals(0, ctr.exitValue(), out);
                assertTrue(out.contains(MiniShim.REFUSAL + "goit-1"),
                        "our status message should reach ctr; ctr said: " + out + "\ncontainerd log:\n" + containerd.log());
                String received = Files.readString(dir.resolve("received.txt"));
                assertTrue(received.contains("create id=goit-1 bundle=") && received.contains("goit-1"), received);
            }
        } finally {
            ContainerdProcess.deleteTree(dir);
        }
    }

    /** Both the module path and the class path of this test JVM, for a plain -cp launch. */
    private static String classpath() {
        String mp = System.getProperty("jdk.module.path", "");
        String cp = System.getProperty("java.class.path", "");
        String joined = mp.isEmpty() ? cp : cp.isEmpty() ? mp : mp + ":" + cp;
        assumeTrue(!joined.isEmpty(), "the test JVM has a class path");
        return joined;
    }
}
