package dev.jkata.agent.rpc;

import dev.jkata.agent.container.OciRuntime;
import dev.jkata.agent.net.IpCommand;
import dev.jkata.agent.spec.OciConfig;
import dev.jkata.agent.storage.Mounter;

import java.nio.file.Path;

/**
 * What the agent's services act on; the guest's real places by default, other ones in tests.
 *
 * @param runtime    the OCI runtime (crun)
 * @param mounter    mount(2)/umount2(2)
 * @param ip         the ip command
 * @param bundles    container bundles and the CopyFile area: /run/kata-containers
 * @param cgroupRoot the cgroup directory holding one directory per container
 * @param sys        the sysfs root
 * @param resolvConf the guest's resolv.conf, written when CreateSandbox carries DNS servers
 */
public record AgentEnv(OciRuntime runtime, Mounter mounter, IpCommand ip, Path bundles, Path cgroupRoot, Path sys,
        Path resolvConf, String version, String grpcVersion) {

    public static final String VERSION = "3.2.0-jkata";

    public static AgentEnv guest() {
        return new AgentEnv(OciRuntime.crun(), Mounter.system(), IpCommand.system(), Path.of("/run/kata-containers"),
                Path.of("/sys/fs/cgroup" + OciConfig.CGROUP_PARENT), Path.of("/sys"), Path.of("/etc/resolv.conf"),
                VERSION, "ttrpc");
    }
}
