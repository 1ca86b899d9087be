package dev.jkata.tests.sandbox;

import static dev.jkata.tests.sandbox.SandboxFixture.contentOf;
import static dev.jkata.tests.sandbox.SandboxFixture.readAll;
import static dev.jkata.tests.sandbox.SandboxFixture.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.runtime.agent.ConsoleTail;
import dev.jkata.runtime.oci.OciBundle;
import dev.jkata.runtime.sandbox.Container;
import dev.jkata.runtime.sandbox.ExitStatus;
import dev.jkata.runtime.sandbox.Sandbox;
import dev.jkata.tests.network.TestNetns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pod volumes in one VM, laid out as the kubelet and containerd's CRI plugin make them on the host:
 * a memory-backed emptyDir (a tmpfs mounted at {@code …/kubernetes.io~empty-dir/mem}) becomes one guest
 * tmpfs shared by the pod's containers and never touches the host; a disk emptyDir is shared through
 * virtio-fs (both containers and the host see the same files); the sandbox's {@code shm} tmpfs becomes
 * a guest shm of its size; single-file binds ({@code /etc/hosts}, {@code /etc/hostname},
 * {@code /etc/resolv.conf}) reach the container; a read-only bind is read-only. Real QEMU (TCG), root.
 */
class SandboxVolumesIT {

    @TempDir
    Path tmp;

    @AutoClose
    private final Cleanups cleanups = new Cleanups();

    private Path tmpfs(Path dir, String size) throws Exception {
        Files.createDirectories(dir);
        TestNetns.run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
        cleanups.add(() -> TestNetns.run("umount", "-l", dir.toString()));
        return dir;
    }

    @Test
    void podVolumesAreSharedBetweenContainersAsOnAHost() throws Exception {
        GuestAssets assets = GuestAssets.require();
        Path rootfs = BusyboxBundle.rootfs(tmp);
        Path volumes = tmp.resolve("kubelet/pods/uid-1/volumes/kubernetes.io~empty-dir");
        Path mem = tmpfs(volumes.resolve("mem"), "16m");
        Path disk = Files.createDirectories(volumes.resolve("disk"));
        Path sandboxDir = tmp.resolve("containerd/sandboxes/pod-1");
        Path shm = tmpfs(sandboxDir.resolve("shm"), "8m");
        Files.writeString(sandboxDir.resolve("hosts"), "127.0.0.1 localhost\n10.9.9.9 pod-host-entry\n");
        Files.writeString(sandboxDir.resolve("hostname"), "pod-one\n");
        Files.writeString(sandboxDir.resolve("resolv.conf"), "nameserver 10.9.9.53\nsearch pod.test\n");
        Path config = Files.createDirectories(tmp.resolve("configmap"));
        Files.writeString(config.resolve("setting"), "value\n");

        String id = "volumes-it-" + Long.toHexString(System.nanoTime() & 0xfffff);
        Sandbox sandbox = SandboxFixture.start(cleanups, id, SandboxFixture.config(assets, tmp), "volumes-it");

        Path b1 = bundle(tmp.resolve("bundle1"), rootfs, "echo one > /mem/a; echo shm-one > /dev/shm/s;"
                + " busybox grep -E ' /mem | /dev/shm ' /proc/mounts; cat /etc/hosts /etc/hostname /etc/resolv.conf;"
                + " (echo x > /config/new) 2>/dev/null && echo CONFIG-RW || echo CONFIG-RO;"
                + " echo disk-one > /disk/a; exec sleep 600", mem, disk, shm, sandboxDir, config);
        Container c1 = sandbox.createContainer("c1", OciBundle.load(b1), List.of());
        CompletableFuture<String> out1 = readAll(c1.init().stdout());
        c1.start();
        waitFor(() -> contentOf(disk.resolve("a")).equals("disk-one\n"), Duration.ofSeconds(90),
                "c1's write to the disk emptyDir reaches the host; console:\n"
                        + ConsoleTail.of(sandbox.vm().consoleLog(), 3000));

        Path b2 = bundle(tmp.resolve("bundle2"), rootfs, "cat /mem/a /dev/shm/s /disk/a; echo two > /mem/b;"
                + " echo disk-two > /disk/b; ls /mem", mem, disk, shm, sandboxDir, config);
        Container c2 = sandbox.createContainer("c2", OciBundle.load(b2), List.of());
        CompletableFuture<String> out2 = readAll(c2.init().stdout());
        CompletableFuture<String> err2 = readAll(c2.init().stderr());
        c2.start();
        ExitStatus exit2 = c2.init().exited().get(90, TimeUnit.SECONDS);
        String second = out2.get(30, TimeUnit.SECONDS);
        System.out.println("c2: " + second.replace("\n", " | "));
        assertEquals(0, exit2.code(), second + err2.getNow("?"));
        assertEquals(List.of("one", "shm-one", "disk-one", "a", "b"), second.lines().toList(),
                "c2 sees c1's files in the memory emptyDir, the pod's shm and the disk emptyDir");
        assertEquals("disk-two\n", Files.readString(disk.resolve("b")), "the disk emptyDir is the host directory");
        try (var files = Files.list(mem)) {
            assertEquals(List.of(), files.toList(), "the memory emptyDir lives in the guest, not in the host tmpfs");
        }
        try (var files = Files.list(shm)) {
            assertEquals(List.of(), files.toList(), "the pod's shm lives in the guest");
        }
        c2.remove();

        c1.signal(9, false);
        c1.init().exited().get(60, TimeUnit.SECONDS);
        String first = out1.get(30, TimeUnit.SECONDS);
        System.out.println("c1: " + first.replace("\n", " | "));
        assertTrue(first.lines().anyMatch(l -> l.matches("\\S+ /mem tmpfs .*")), "/mem is a guest tmpfs:\n" + first);
        assertTrue(first.lines().anyMatch(l -> l.matches("\\S+ /dev/shm tmpfs .*size=8192k.*")),
                "/dev/shm is a guest tmpfs of the host shm's size:\n" + first);
        assertTrue(first.contains("10.9.9.9 pod-host-entry"), "/etc/hosts from the CRI sandbox dir:\n" + first);
        assertTrue(first.contains("pod-one"), "/etc/hostname:\n" + first);
        assertTrue(first.contains("nameserver 10.9.9.53"), "/etc/resolv.conf:\n" + first);
        assertTrue(first.contains("CONFIG-RO"), "a read-only bind is read-only in the container:\n" + first);
        assertFalse(Files.exists(config.resolve("new")));
        c1.remove();
        sandbox.stop();
    }

    /** A busybox bundle running {@code script}, with the volumes mounted as the CRI plugin does. */
    private static Path bundle(Path dir, Path rootfs, String script, Path mem, Path disk, Path shm, Path sandboxDir,
            Path config) throws IOException {
        Files.createDirectories(dir);
        String json = """
                {
                  "ociVersion": "1.0.2",
                  "process": {"terminal": false, "user": {"uid": 0, "gid": 0},
                    "args": ["/bin/sh", "-c", "%s"],
                    "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], "cwd": "/"},
                  "root": {"path": "%s", "readonly": false},
                  "mounts": [
                    {"destination": "/proc", "type": "proc", "source": "proc"},
                    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
                    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
                    {"destination": "/mem", "type": "bind", "source": "%s", "options": ["rbind", "rprivate", "rw"]},
                    {"destination": "/disk", "type": "bind", "source": "%s", "options": ["rbind", "rprivate", "rw"]},
                    {"destination": "/etc/hosts", "type": "bind", "source": "%5$s/hosts", "options": ["rbind", "rprivate", "rw"]},
                    {"destination": "/etc/hostname", "type": "bind", "source": "%5$s/hostname", "options": ["rbind", "rprivate", "rw"]},
                    {"destination": "/etc/resolv.conf", "type": "bind", "source": "%5$s/resolv.conf", "options": ["rbind", "rprivate", "rw"]},
                    {"destination": "/dev/shm", "type": "bind", "source": "%6$s", "options": ["rbind", "rprivate", "rw"]},
                    {"destination": "/config", "type": "bind", "source": "%7$s", "options": ["rbind", "rprivate", "ro"]}
                  ],
                  "linux": {"namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]}
                }
                """.formatted(script.replace("\\", "\\\\").replace("\"", "\\\""), rootfs, mem, disk, sandboxDir, shm,
                config);
        Files.writeString(dir.resolve("config.json"), json, StandardCharsets.UTF_8);
        return dir;
    }
}
