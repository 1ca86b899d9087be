package dev.jkata.agent.storage;

import dev.jkata.agent.AgentException;
import dev.jkata.agent.os.Native;
import dev.jkata.ttrpc.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoragesTest {

    @TempDir
    Path tmp;

    /** Records mount calls instead of making them; fails on a chosen target. */
    static final class FakeMounter implements Mounter {
        final List<String> calls = new ArrayList<>();
        String failOn;

        @Override
        public void mount(String source, String target, String fstype, long flags, String data) {
            if (target.equals(failOn)) {
                throw AgentException.internal("mount " + target + " failed", null);
            }
            calls.add("mount " + source + " " + target + " " + fstype + " " + flags + " " + data);
        }

        @Override
        public void unmount(String target) {
            calls.add("umount " + target);
        }
    }

    @Test
    void validatesRequests() {
        StorageSpec s = StorageSpec.of("virtio-fs", "kataShared", "virtiofs", List.of(),
                "/run/kata-containers/shared/containers/");
        assertEquals(Path.of("/run/kata-containers/shared/containers"), s.mountPoint());
        assertEquals(StorageSpec.Driver.VIRTIO_FS, s.driver());
        StorageSpec p9 = StorageSpec.of("9p", "kataShared", "9p",
                List.of("trans=virtio,version=9p2000.L", "msize=262144", "nodev"), "/mnt");
        assertEquals("trans=virtio,version=9p2000.L,msize=262144", p9.options().data());
        assertEquals(Native.MS_NODEV, p9.options().flags());

        AgentException e = assertThrows(AgentException.class,
                () -> StorageSpec.of("nvdimm", "x", "", List.of(), "/mnt"));
        assertEquals(Code.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("nvdimm"), e.getMessage());
        e = assertThrows(AgentException.class, () -> StorageSpec.of("9p", "tag", "9p", List.of(), "mnt"));
        assertTrue(e.getMessage().contains("absolute"), e.getMessage());
        e = assertThrows(AgentException.class, () -> StorageSpec.of("9p", "tag", "9p", List.of(), "/a/../etc"));
        assertTrue(e.getMessage().contains("canonical"), e.getMessage());
        e = assertThrows(AgentException.class, () -> StorageSpec.of("virtio-fs", "", "virtiofs", List.of(), "/m"));
        assertTrue(e.getMessage().contains("empty source"), e.getMessage());
        e = assertThrows(AgentException.class, () -> StorageSpec.of("virtio-fs", "t", "ext4", List.of(), "/m"));
        assertTrue(e.getMessage().contains("fstype"), e.getMessage());
        e = assertThrows(AgentException.class, () -> StorageSpec.of("bind", "rel/path", "", List.of(), "/m"));
        assertTrue(e.getMessage().contains("rel/path"), e.getMessage());
    }

    @Test
    void mountsOnceAndUnmountsWithTheLastUser() {
        FakeMounter m = new FakeMounter();
        Storages st = new Storages(m);
        Path mp = tmp.resolve("shared");
        StorageSpec s = StorageSpec.of("virtio-fs", "kataShared", "virtiofs", List.of("ro"), mp.toString());
        st.add(s);
        st.add(s);
        assertEquals(List.of("mount kataShared " + mp + " virtiofs 1 "), m.calls);
        assertTrue(Files.isDirectory(mp), "mount point created");
        st.release(mp);
        assertEquals(1, m.calls.size());
        st.release(mp);
        assertEquals("umount " + mp, m.calls.getLast());
        assertEquals(List.of(), st.mounted());
    }

    @Test
    void ephemeralAndLocalAndBind() throws Exception {
        FakeMounter m = new FakeMounter();
        Storages st = new Storages(m);
        st.add(StorageSpec.of("ephemeral", "tmpfs", "tmpfs", List.of("size=64m"), tmp.resolve("shm").toString()));
        st.add(StorageSpec.of("local", "", "", List.of("mode=0777"), tmp.resolve("local").toString()));
        Path src = Files.writeString(tmp.resolve("file"), "x");
        st.add(StorageSpec.of("bind", src.toString(), "", List.of("ro"), tmp.resolve("dst/file").toString()));
        assertEquals("mount tmpfs " + tmp.resolve("shm") + " tmpfs 0 size=64m", m.calls.get(0));
        assertTrue(Files.isDirectory(tmp.resolve("local")));
        assertTrue(Files.isRegularFile(tmp.resolve("dst/file")), "bind target file created");
        assertTrue(m.calls.get(1).startsWith("mount " + src + " " + tmp.resolve("dst/file") + " null "
                + (Native.MS_BIND | Native.MS_REC)), m.calls.get(1));
        assertTrue(m.calls.get(2).contains(" " + (Native.MS_BIND | Native.MS_REMOUNT | Native.MS_RDONLY) + " "),
                "read-only bind is remounted: " + m.calls.get(2));
        st.clear();
        assertEquals("umount " + tmp.resolve("dst/file"), m.calls.get(3), "newest unmounted first");
        AgentException e = assertThrows(AgentException.class, () -> st.add(
                StorageSpec.of("bind", "/no/such/source", "", List.of(), tmp.resolve("x").toString())));
        assertEquals(Code.NOT_FOUND, e.code());
    }

    @Test
    void addAllRollsBackOnFailure() {
        FakeMounter m = new FakeMounter();
        Storages st = new Storages(m);
        m.failOn = tmp.resolve("b").toString();
        List<StorageSpec> specs = List.of(
                StorageSpec.of("9p", "t1", "9p", List.of(), tmp.resolve("a").toString()),
                StorageSpec.of("9p", "t2", "9p", List.of(), tmp.resolve("b").toString()));
        assertThrows(AgentException.class, () -> st.addAll(specs));
        assertEquals("umount " + tmp.resolve("a"), m.calls.getLast());
        assertEquals(List.of(), st.mounted());
    }
}
