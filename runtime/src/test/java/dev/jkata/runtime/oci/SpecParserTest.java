package dev.jkata.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.proto.agent.Spec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecParserTest {

    @TempDir
    Path tmp;

    private static final String CONFIG = """
            {
              "ociVersion": "1.0.2-dev",
              "process": {
                "terminal": true,
                "consoleSize": {"height": 24, "width": 80},
                "user": {"uid": 1000, "gid": 1000, "additionalGids": [10, 4294967295]},
                "args": ["sh"],
                "env": ["PATH=/bin", "TERM=xterm"],
                "cwd": "/",
                "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]},
                "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 18446744073709551615, "soft": 1024}],
                "noNewPrivileges": true,
                "oomScoreAdj": -500
              },
              "root": {"path": "rootfs", "readonly": true},
              "hostname": "runc",
              "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
                         {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
                          "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]}],
              "annotations": {"io.katacontainers.config.hypervisor.default_memory": "512"},
              "linux": {
                "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
                "sysctl": {"net.ipv4.ip_forward": "1"},
                "resources": {
                  "devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}],
                  "memory": {"limit": 536870912, "swap": -1},
                  "cpu": {"shares": 1024, "quota": 50000, "period": 100000, "cpus": "0-1"},
                  "pids": {"limit": 100},
                  "blockIO": {"weight": 10, "throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 600}]},
                  "hugepageLimits": [{"pageSize": "2MB", "limit": 9223372036854772736}]
                },
                "cgroupsPath": "/default/abc",
                "namespaces": [{"type": "pid"}, {"type": "network", "path": "/var/run/netns/x"}],
                "devices": [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438}],
                "seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
                            "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
                                         {"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
                                          "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}]},
                "maskedPaths": ["/proc/kcore"],
                "readonlyPaths": ["/proc/sys"]
              }
            }
            """;

    private Path bundle(String config) throws Exception {
        Files.createDirectories(tmp.resolve("rootfs"));
        Files.writeString(tmp.resolve("config.json"), config);
        return tmp;
    }

    @Test
    void parsesAFullRuntimeSpec() throws Exception {
        OciBundle b = OciBundle.load(bundle(CONFIG));
        Spec s = b.spec();
        assertEquals("1.0.2-dev", s.getVersion());
        assertEquals(tmp.resolve("rootfs"), b.rootfs());
        assertEquals(Map.of("io.katacontainers.config.hypervisor.default_memory", "512"), b.annotations());
        var p = s.getProcess();
        assertTrue(p.getTerminal());
        assertEquals(80, p.getConsoleSize().getWidth());
        assertEquals(1000, p.getUser().getUID());
        assertEquals(List.of(10, -1), p.getUser().getAdditionalGidsList(), "uint32 max is carried as -1");
        assertEquals(List.of("PATH=/bin", "TERM=xterm"), p.getEnvList());
        assertEquals(List.of("CAP_KILL"), p.getCapabilities().getBoundingList());
        assertEquals(-1L, p.getRlimits(0).getHard(), "uint64 max is carried as -1");
        assertEquals(1024, p.getRlimits(0).getSoft());
        assertTrue(p.getNoNewPrivileges());
        assertEquals(-500, p.getOOMScoreAdj());
        assertTrue(s.getRoot().getReadonly());
        assertEquals("runc", s.getHostname());
        assertEquals(List.of("nosuid", "strictatime", "mode=755", "size=65536k"), s.getMounts(1).getOptionsList());
        var l = s.getLinux();
        assertEquals(1000, l.getUIDMappings(0).getHostID());
        assertEquals("1", l.getSysctlMap().get("net.ipv4.ip_forward"));
        var r = l.getResources();
        assertEquals(-1, r.getDevices(0).getMajor(), "absent major means all (-1)");
        assertEquals(3, r.getDevices(1).getMinor());
        assertEquals(536870912L, r.getMemory().getLimit());
        assertEquals(-1L, r.getMemory().getSwap());
        assertEquals(50000, r.getCPU().getQuota());
        assertEquals("0-1", r.getCPU().getCpus());
        assertEquals(100, r.getPids().getLimit());
        assertEquals(600, r.getBlockIO().getThrottleReadBpsDevice(0).getRate());
        assertEquals("2MB", r.getHugepageLimits(0).getPagesize());
        assertEquals("/default/abc", l.getCgroupsPath());
        assertEquals("/var/run/netns/x", l.getNamespaces(1).getPath());
        assertEquals(438, l.getDevices(0).getFileMode());
        assertEquals(1, l.getSeccomp().getSyscalls(1).getErrnoret());
        assertTrue(l.getSeccomp().getSyscalls(1).hasErrnoret());
        assertTrue(!l.getSeccomp().getSyscalls(0).hasErrnoret());
        assertEquals("SCMP_CMP_EQ", l.getSeccomp().getSyscalls(1).getArgs(0).getOp());
        assertEquals(List.of("/proc/kcore"), l.getMaskedPathsList());
    }

    @Test
    void malformedJsonNamesFileLineAndColumn() throws Exception {
        Path dir = bundle("{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": {\"args\": [\"sh\",]}\n}\n");
        OciException e = assertThrows(OciException.class, () -> OciBundle.load(dir));
        String m = e.getMessage();
        assertTrue(m.startsWith(dir.resolve("config.json").toString()), m);
        assertTrue(m.contains("malformed JSON at line 3, column"), m);
    }

    @Test
    void wrongTypeNamesTheJsonPath() throws Exception {
        Path dir = bundle("{\"process\": {\"args\": \"sh\"}}");
        OciException e = assertThrows(OciException.class, () -> OciBundle.load(dir));
        assertTrue(e.getMessage().contains("process.args: expected an array, got string \"sh\""), e.getMessage());

        Path dir2 = bundle("{\"linux\": {\"resources\": {\"devices\": [{\"allow\": \"yes\"}]}}}");
        OciException e2 = assertThrows(OciException.class, () -> OciBundle.load(dir2));
        assertTrue(e2.getMessage().contains("linux.resources.devices[0].allow: expected true or false"),
                e2.getMessage());

        Path dir3 = bundle("{\"process\": {\"user\": {\"uid\": -1}}}");
        OciException e3 = assertThrows(OciException.class, () -> OciBundle.load(dir3));
        assertTrue(e3.getMessage().contains("process.user.uid: expected an integer in 0..4294967295, got -1"),
                e3.getMessage());
    }

    @Test
    void missingOrEmptyConfigIsAClearError() throws Exception {
        OciException missing = assertThrows(OciException.class, () -> OciBundle.load(tmp));
        assertTrue(missing.getMessage().contains("config.json: no such file"), missing.getMessage());
        Path dir = bundle("");
        OciException empty = assertThrows(OciException.class, () -> OciBundle.load(dir));
        assertTrue(empty.getMessage().contains("empty file"), empty.getMessage());
        Path dir2 = bundle("[1, 2]");
        OciException array = assertThrows(OciException.class, () -> OciBundle.load(dir2));
        assertTrue(array.getMessage().contains("expected a JSON object"), array.getMessage());
    }

    @Test
    void parsesAnExecProcessAndResources() throws Exception {
        var p = SpecParser.process(Path.of("process.json"),
                "{\"args\": [\"ls\", \"-l\"], \"cwd\": \"/tmp\", \"terminal\": false}".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("ls", "-l"), p.getArgsList());
        assertEquals("/tmp", p.getCwd());
        var r = LinuxParser.resources(Path.of("update.json"),
                "{\"memory\": {\"limit\": 1048576}, \"cpu\": {\"quota\": 1000}}".getBytes(StandardCharsets.UTF_8));
        assertEquals(1048576, r.getMemory().getLimit());
        assertEquals(1000, r.getCPU().getQuota());
        OciException bad = assertThrows(OciException.class, () -> SpecParser.process(Path.of("process.json"),
                "{\"args\": [1]}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(bad.getMessage().contains("process.json: args[0]: expected a string"), bad.getMessage());
    }
}
