package dev.jkata.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.proto.agent.Mount;
import dev.jkata.proto.agent.Storage;
import dev.jkata.runtime.oci.OciBundle;
import dev.jkata.runtime.storage.HostMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guest spec and storages ContainerStorage makes from a CRI-like container spec. */
class ContainerStorageTest {

    @TempDir
    Path tmp;

    private Path memoryVolume;
    private Path diskVolume;
    private Path shm;
    private Path hosts;
    private Path readOnlyDir;

    /** A mount table where the memory emptyDir and the sandbox shm are tmpfs mounts, nothing else is. */
    private GuestVolumes volumes() {
        Map<Path, HostMounts.Entry> table = Map.of(
                memoryVolume, new HostMounts.Entry(memoryVolume, "tmpfs", List.of("rw", "size=1048576k")),
                shm, new HostMounts.Entry(shm, "tmpfs", List.of("rw", "nosuid", "size=65536k")),
                diskVolume.getParent(), new HostMounts.Entry(diskVolume.getParent(), "ext4", List.of("rw")));
        return new GuestVolumes(p -> Optional.ofNullable(table.get(p)));
    }

    private OciBundle bundle(String name) throws Exception {
        Path pod = tmp.resolve("kubelet/pods/uid1/volumes/kubernetes.io~empty-dir");
        memoryVolume = Files.createDirectories(pod.resolve("cache"));
        diskVolume = Files.createDirectories(pod.resolve("scratch"));
        shm = Files.createDirectories(tmp.resolve("containerd/sandboxes/sb1/shm"));
        hosts = tmp.resolve("containerd/sandboxes/sb1/hosts");
        Files.writeString(hosts, "127.0.0.1 localhost\n");
        readOnlyDir = Files.createDirectories(tmp.resolve("config-volume"));
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.createDirectories(dir.resolve("rootfs"));
        Files.writeString(dir.resolve("config.json"), """
                {"ociVersion": "1.0.2",
                 "process": {"args": ["/bin/sh"], "cwd": "/", "user": {"uid": 0, "gid": 0}},
                 "root": {"path": "rootfs"},
                 "mounts": [
                   {"destination": "/proc", "type": "proc", "source": "proc"},
                   {"destination": "/cache", "type": "bind", "source": "%s", "options": ["rbind", "rprivate", "rw"]},
                   {"destination": "/scratch", "type": "bind", "source": "%s", "options": ["rbind", "rprivate", "rw"]},
                   {"destination": "/dev/shm", "type": "bind", "source": "%s", "options": ["rbind", "ro"]},
                   {"destination": "/etc/hosts", "type": "bind", "source": "%s", "options": ["rbind", "rprivate", "rw"]},
                   {"destination": "/config", "type": "bind", "source": "%s", "options": ["rbind", "rprivate", "ro"]},
                   {"destination": "/cache2", "type": "bind", "source": "%1$s", "options": ["rbind", "ro"]}
                 ]}
                """.formatted(memoryVolume, diskVolume, shm, hosts, readOnlyDir));
        return OciBundle.load(dir);
    }

    private static Mount at(List<Mount> mounts, String destination) {
        return mounts.stream().filter(m -> m.getDestination().equals(destination)).findFirst().orElseThrow();
    }

    @Test
    void memoryEmptyDirAndShmBecomeGuestTmpfsOthersGoThroughTheSharedDirectory() throws Exception {
        OciBundle bundle = bundle("b1");
        FakeMounter mounter = new FakeMounter();
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        ContainerStorage.Prepared p = ContainerStorage.prepare("c1", bundle, List.of(), shared, mounter, new Undo(),
                volumes());
        List<Mount> guest = p.guestSpec().getMountsList();

        Mount cache = at(guest, "/cache");
        assertEquals("/run/kata-containers/sandbox/ephemeral/cache", cache.getSource());
        assertEquals("bind", cache.getType());
        Mount shmMount = at(guest, "/dev/shm");
        assertEquals("/run/kata-containers/sandbox/shm", shmMount.getSource());
        assertEquals(List.of("rbind"), shmMount.getOptionsList());
        assertEquals(List.of(
                Storage.newBuilder().setDriver("ephemeral").setSource("tmpfs").setFstype("tmpfs")
                        .setMountPoint("/run/kata-containers/sandbox/ephemeral/cache").build(),
                Storage.newBuilder().setDriver("ephemeral").setSource("shm").setFstype("tmpfs")
                        .addAllOptions(List.of("noexec", "nosuid", "nodev", "mode=1777", "size=" + 64 * 1024 * 1024))
                        .setMountPoint("/run/kata-containers/sandbox/shm").build()),
                p.storages(), "one storage per guest volume, even when mounted twice");
        assertEquals("/run/kata-containers/sandbox/ephemeral/cache", at(guest, "/cache2").getSource());
        assertTrue(at(guest, "/cache2").getOptionsList().contains("ro"), "a read-only emptyDir mount stays ro");

        // the disk emptyDir, /etc/hosts (a single file) and the config dir go through the shared directory
        for (String dest : List.of("/scratch", "/etc/hosts", "/config")) {
            assertTrue(at(guest, dest).getSource().startsWith(ContainerStorage.GUEST_SHARED + "c1/mounts/"),
                    dest + ": " + at(guest, dest));
        }
        assertTrue(at(guest, "/config").getOptionsList().contains("ro"), "crun gets ro for a read-only bind");
        assertEquals(List.of("rbind", "rprivate", "rw"), at(guest, "/etc/hosts").getOptionsList());
        List<Path> hostTargets = mounter.mounted().stream().map(FakeMounter.Entry::target).toList();
        assertEquals(4, hostTargets.size(), "rootfs + scratch + hosts + config: " + hostTargets);
        Path hostsTarget = Path.of(at(guest, "/etc/hosts").getSource().replace(ContainerStorage.GUEST_SHARED,
                shared + "/"));
        assertTrue(Files.isRegularFile(hostsTarget), "a file bind gets a file mount point: " + hostsTarget);
        assertTrue(mounter.mounted().stream().anyMatch(e -> e.target().equals(hostsTarget)
                && e.source().equals(hosts.toString())), mounter.mounted().toString());
        assertEquals(List.of("proc"), guest.stream().filter(m -> m.getDestination().equals("/proc"))
                .map(Mount::getType).toList(), "guest-side mounts pass unchanged");
    }

    @Test
    void withoutTmpfsOnTheHostEverythingIsShared() throws Exception {
        OciBundle bundle = bundle("b2");
        Path shared = Files.createDirectories(tmp.resolve("shared2"));
        ContainerStorage.Prepared p = ContainerStorage.prepare("c2", bundle, List.of(), shared, new FakeMounter(),
                new Undo(), new GuestVolumes(path -> Optional.empty()));
        assertEquals(List.of(), p.storages());
        assertTrue(at(p.guestSpec().getMountsList(), "/cache").getSource().startsWith(ContainerStorage.GUEST_SHARED));
        assertTrue(at(p.guestSpec().getMountsList(), "/dev/shm").getOptionsList().contains("ro"));
    }

    @Test
    void emptyDirRecognitionAndSizeParsing() {
        assertTrue(GuestVolumes.isEmptyDir(Path.of("/var/lib/kubelet/pods/u/volumes/kubernetes.io~empty-dir/v")));
        assertTrue(!GuestVolumes.isEmptyDir(Path.of("/var/lib/kubelet/pods/u/volumes/kubernetes.io~configmap/v")));
        assertTrue(!GuestVolumes.isEmptyDir(Path.of("/kubernetes.io~empty-dir")));
        String info = """
                22 1 0:21 / /run rw,nosuid,nodev shared:5 - tmpfs tmpfs rw,size=402276k,mode=755
                30 22 0:30 / /run/x rw - tmpfs shm rw,size=65536k
                31 22 0:31 / /run/x rw - tmpfs shm2 rw,size=2g
                40 1 8:1 / /data\\040dir rw - ext4 /dev/sda1 rw
                """;
        HostMounts.Entry x = HostMounts.at(info, Path.of("/run/x")).orElseThrow();
        assertEquals(Optional.of(2L * 1024 * 1024 * 1024), x.sizeBytes(), "the topmost mount wins");
        assertEquals("ext4", HostMounts.at(info, Path.of("/data dir")).orElseThrow().fstype());
        assertEquals(Optional.empty(), HostMounts.at(info, Path.of("/run/y")));
    }
}
