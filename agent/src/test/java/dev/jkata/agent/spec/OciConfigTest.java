package dev.jkata.agent.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jkata.agent.AgentException;
import dev.jkata.proto.agent.Hook;
import dev.jkata.proto.agent.Hooks;
import dev.jkata.proto.agent.Linux;
import dev.jkata.proto.agent.LinuxCPU;
import dev.jkata.proto.agent.LinuxCapabilities;
import dev.jkata.proto.agent.LinuxDevice;
import dev.jkata.proto.agent.LinuxMemory;
import dev.jkata.proto.agent.LinuxNamespace;
import dev.jkata.proto.agent.LinuxPids;
import dev.jkata.proto.agent.LinuxResources;
import dev.jkata.proto.agent.Mount;
import dev.jkata.proto.agent.POSIXRlimit;
import dev.jkata.proto.agent.Process;
import dev.jkata.proto.agent.Root;
import dev.jkata.proto.agent.Spec;
import dev.jkata.proto.agent.User;
import dev.jkata.ttrpc.Code;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OciConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROOT = "/run/kata-containers/shared/containers/c1/rootfs";

    private static Spec.Builder spec() {
        return Spec.newBuilder().setVersion("1.0.2")
                .setProcess(Process.newBuilder().setTerminal(true).addArgs("/bin/sh").addArgs("-c").addArgs("echo hi")
                        .addEnv("A=1").setCwd("/work")
                        .setUser(User.newBuilder().setUID(1000).setGID(1000).addAdditionalGids(10))
                        .setCapabilities(LinuxCapabilities.newBuilder().addBounding("CAP_KILL").addEffective("CAP_KILL"))
                        .addRlimits(POSIXRlimit.newBuilder().setType("RLIMIT_NOFILE").setHard(1024).setSoft(1024))
                        .setNoNewPrivileges(true).setApparmorProfile("docker-default").setSelinuxLabel("x"))
                .setRoot(Root.newBuilder().setPath(ROOT).setReadonly(true))
                .setHostname("box")
                .addMounts(Mount.newBuilder().setDestination("/proc").setType("proc").setSource("proc"))
                .addMounts(Mount.newBuilder().setDestination("/data").setType("bind").setSource("/guest/volume")
                        .addOptions("rbind"))
                .addMounts(Mount.newBuilder().setDestination("/host").setType("bind").setSource("/host/only")
                        .addOptions("rbind"))
                .setHooks(Hooks.newBuilder().addPrestart(Hook.newBuilder().setPath("/usr/bin/host-hook")))
                .putAnnotations("io.kubernetes.cri.container-type", "container")
                .setLinux(Linux.newBuilder().setCgroupsPath("/kubepods/pod1/c1")
                        .addNamespaces(LinuxNamespace.newBuilder().setType("pid"))
                        .addNamespaces(LinuxNamespace.newBuilder().setType("network").setPath("/var/run/netns/cni-1"))
                        .addNamespaces(LinuxNamespace.newBuilder().setType("ipc").setPath("/proc/42/ns/ipc"))
                        .addNamespaces(LinuxNamespace.newBuilder().setType("uts"))
                        .addNamespaces(LinuxNamespace.newBuilder().setType("mount"))
                        .addDevices(LinuxDevice.newBuilder().setPath("/dev/fuse").setType("c").setMajor(10).setMinor(229))
                        .addDevices(LinuxDevice.newBuilder().setPath("/dev/host-gpu").setType("c").setMajor(195))
                        .setResources(LinuxResources.newBuilder()
                                .setMemory(LinuxMemory.newBuilder().setLimit(256L << 20))
                                .setCPU(LinuxCPU.newBuilder().setQuota(50000).setPeriod(100000).setShares(512))
                                .setPids(LinuxPids.newBuilder().setLimit(100)))
                        .addMaskedPaths("/proc/kcore").addReadonlyPaths("/proc/sys")
                        .putSysctl("net.ipv4.ip_forward", "1"));
    }

    private static JsonNode render(Spec s) throws Exception {
        Set<String> guest = Set.of("/guest/volume", "/dev/fuse");
        return JSON.readTree(OciConfig.configJson(s, "c1", guest::contains));
    }

    @Test
    void translatesTheProcessAndRoot() throws Exception {
        JsonNode c = render(spec().build());
        assertEquals("1.0.2", c.get("ociVersion").asText());
        JsonNode p = c.get("process");
        assertTrue(p.get("terminal").asBoolean());
        assertEquals(List.of("/bin/sh", "-c", "echo hi"), texts(p.get("args")));
        assertEquals(List.of("A=1"), texts(p.get("env")));
        assertEquals("/work", p.get("cwd").asText());
        assertEquals(1000, p.get("user").get("uid").asInt());
        assertEquals(10, p.get("user").get("additionalGids").get(0).asInt());
        assertEquals(List.of("CAP_KILL"), texts(p.get("capabilities").get("bounding")));
        assertEquals("RLIMIT_NOFILE", p.get("rlimits").get(0).get("type").asText());
        assertTrue(p.get("noNewPrivileges").asBoolean());
        assertFalse(p.has("apparmorProfile"), "host apparmor profile dropped");
        assertFalse(p.has("selinuxLabel"));
        assertEquals(ROOT, c.get("root").get("path").asText());
        assertTrue(c.get("root").get("readonly").asBoolean());
        assertEquals("box", c.get("hostname").asText());
        assertEquals("container", c.get("annotations").get("io.kubernetes.cri.container-type").asText());
    }

    @Test
    void fixesUpHostOnlyParts() throws Exception {
        JsonNode c = render(spec().build());
        assertFalse(c.has("hooks"), "host hooks are not run in the guest");
        List<String> dests = new ArrayList<>();
        c.get("mounts").forEach(m -> dests.add(m.get("destination").asText()));
        assertEquals(List.of("/proc", "/data"), dests, "bind mount with a missing guest source dropped");
        JsonNode l = c.get("linux");
        assertEquals("/jkata/c1", l.get("cgroupsPath").asText());
        List<String> ns = new ArrayList<>();
        l.get("namespaces").forEach(n -> {
            ns.add(n.get("type").asText());
            assertFalse(n.has("path"), "no host namespace path: " + n);
        });
        assertEquals(List.of("pid", "ipc", "uts", "mount"), ns, "guest network namespace is shared");
        assertEquals(1, l.get("devices").size());
        assertEquals("/dev/fuse", l.get("devices").get(0).get("path").asText());
        assertEquals(256L << 20, l.get("resources").get("memory").get("limit").asLong());
        assertEquals(50000, l.get("resources").get("cpu").get("quota").asLong());
        assertEquals(512, l.get("resources").get("cpu").get("shares").asLong());
        assertEquals(100, l.get("resources").get("pids").get("limit").asLong());
        assertEquals("1", l.get("sysctl").get("net.ipv4.ip_forward").asText());
        assertEquals(List.of("/proc/kcore"), texts(l.get("maskedPaths")));
    }

    @Test
    void addsAMountNamespaceAndDefaultsCwdAndEnv() throws Exception {
        Spec s = Spec.newBuilder().setProcess(Process.newBuilder().addArgs("/bin/true"))
                .setRoot(Root.newBuilder().setPath(ROOT)).build();
        JsonNode c = render(s);
        assertEquals("/", c.get("process").get("cwd").asText());
        assertTrue(texts(c.get("process").get("env")).getFirst().startsWith("PATH="));
        assertEquals("mount", c.get("linux").get("namespaces").get(0).get("type").asText());
    }

    @Test
    void rejectsMalformedSpecs() {
        AgentException e = assertThrows(AgentException.class, () -> render(spec().clearProcess().build()));
        assertEquals(Code.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("no process"), e.getMessage());
        e = assertThrows(AgentException.class, () -> render(spec().setProcess(Process.newBuilder()).build()));
        assertTrue(e.getMessage().contains("process.args"), e.getMessage());
        e = assertThrows(AgentException.class, () -> render(spec().setRoot(Root.newBuilder().setPath("rootfs")).build()));
        assertTrue(e.getMessage().contains("root.path"), e.getMessage());
        e = assertThrows(AgentException.class, () -> render(spec().addMounts(
                Mount.newBuilder().setDestination("relative").setType("tmpfs")).build()));
        assertTrue(e.getMessage().contains("relative"), e.getMessage());
        e = assertThrows(AgentException.class, () -> render(spec().setLinux(Linux.newBuilder()
                .addNamespaces(LinuxNamespace.newBuilder().setType("time-travel"))).build()));
        assertTrue(e.getMessage().contains("time-travel"), e.getMessage());
    }

    @Test
    void writesExecProcessAndResources() throws Exception {
        JsonNode p = JSON.readTree(OciConfig.processJson(Process.newBuilder().addArgs("/bin/ls").setCwd("/").build(), "exec e1"));
        assertEquals("/bin/ls", p.get("args").get(0).asText());
        assertFalse(p.get("terminal").asBoolean());
        JsonNode r = JSON.readTree(OciConfig.resourcesJson(LinuxResources.newBuilder()
                .setMemory(LinuxMemory.newBuilder().setLimit(1 << 30)).build()));
        assertEquals(1 << 30, r.get("memory").get("limit").asLong());
        assertFalse(r.has("cpu"));
        AgentException e = assertThrows(AgentException.class,
                () -> OciConfig.processJson(Process.newBuilder().addArgs("ls").setCwd("tmp").build(), "exec e2"));
        assertTrue(e.getMessage().contains("exec e2"), e.getMessage());
    }

    private static List<String> texts(JsonNode array) {
        List<String> l = new ArrayList<>();
        array.forEach(n -> l.add(n.asText()));
        return l;
    }
}
