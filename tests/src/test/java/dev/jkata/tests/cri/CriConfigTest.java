package dev.jkata.tests.cri;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.deploy.DeployPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The containerd configuration the CRI tests build, without starting anything. */
class CriConfigTest {

    @Test
    void kataDeployRegistersTheHandlersOverOurCriSection(@TempDir Path dir) throws Exception {
        DeployPaths deploy = new DeployPaths(dir.resolve("host"), dir.resolve("kata"));
        Path dropIn = CriContainerd.deployHandlers(deploy, CriContainerd.criSection(dir));
        String text = Files.readString(dropIn);
        assertTrue(text.contains("runtime_type = \"io.containerd.kata.v2\""), text);
        assertTrue(text.contains(deploy.qemuConfigPath()), "the handlers use the test's Kata config: " + text);
        assertTrue(text.contains(CriImages.PAUSE), "the drop-in repeats our CRI section (sandbox image): " + text);
        assertTrue(text.contains(dir + "/cni/net.d"), "the drop-in repeats our CNI conf dir: " + text);
        assertTrue(text.contains("restrict_oom_score_adj = true"), text);
        assertTrue(Files.readString(deploy.containerdConfig()).contains("/etc/containerd/conf.d/kata-deploy.toml"),
                "kata-deploy added its import to the main config");
    }

    @Test
    void theCniConfigIsABridgeWithHostLocalIpamInOurDir(@TempDir Path dir) throws Exception {
        CriContainerd.Network net = new CriContainerd.Network("jkcri7", "10.247.7.0/24", "10.247.7.1", "10.247.7.");
        CriContainerd.writeCniConfig(dir, net);
        String conf = Files.readString(dir.resolve("cni/net.d/10-jkata-cri.conflist"));
        assertTrue(conf.contains("\"bridge\": \"jkcri7\"") && conf.contains("\"subnet\": \"10.247.7.0/24\""), conf);
        assertTrue(conf.contains("\"dataDir\": \"" + dir.resolve("cni/ipam") + "\""), conf);
        assertTrue(Files.isDirectory(dir.resolve("cni/ipam")));
    }
}
