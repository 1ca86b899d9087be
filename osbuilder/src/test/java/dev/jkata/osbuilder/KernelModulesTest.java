package dev.jkata.osbuilder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelModulesTest {
    @TempDir
    Path dir;

    private void ko(String path, String... modinfo) throws IOException {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, FakeElf.module(modinfo));
    }

    private void tree() throws IOException {
        ko("kernel/drivers/virtio/virtio_ring.ko", "depends=", "name=virtio_ring");
        ko("kernel/drivers/virtio/virtio.ko", "depends=virtio_ring", "name=virtio");
        ko("kernel/drivers/block/virtio_blk.ko", "depends=virtio,virtio_ring", "name=virtio_blk");
        ko("kernel/lib/libcrc32c.ko", "softdep=pre: crc32c", "depends=", "name=libcrc32c");
        ko("kernel/crypto/crc32c_generic.ko", "alias=crc32c", "alias=crypto-crc32c", "depends=", "name=crc32c_generic");
        ko("kernel/arch/x86/crypto/crc32c-intel.ko", "alias=crc32c", "depends=", "name=crc32c_intel");
        ko("kernel/fs/erofs/erofs.ko", "depends=libcrc32c", "name=erofs");
        Files.writeString(dir.resolve("modules.builtin"), "kernel/fs/ext4/ext4.ko\nkernel/lib/crc32.ko\n");
    }

    @Test
    void dependenciesComeFirstEachOnceAndBuiltinsAreSkipped() throws IOException {
        tree();
        KernelModules m = KernelModules.scan(dir);
        List<String> order = m.loadOrder(List.of("virtio_blk", "virtio", "ext4")).stream()
                .map(KernelModules.Module::name).toList();
        assertEquals(List.of("virtio_ring", "virtio", "virtio_blk"), order);
        assertEquals("kernel/drivers/block/virtio_blk.ko",
                m.loadOrder(List.of("virtio_blk")).getLast().path());
        assertTrue(m.isBuiltin("ext4"));
    }

    @Test
    void softDependenciesResolveAliasesPreferringGeneric() throws IOException {
        tree();
        List<String> order = KernelModules.scan(dir).loadOrder(List.of("erofs")).stream()
                .map(KernelModules.Module::name).toList();
        assertEquals(List.of("crc32c_generic", "libcrc32c", "erofs"), order);
    }

    @Test
    void modulesDepIsUsedWhenPresent() throws IOException {
        tree();
        Files.writeString(dir.resolve("modules.dep"),
                "kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko\n"
                        + "kernel/drivers/virtio/virtio.ko:\nkernel/drivers/virtio/virtio_ring.ko:\n");
        List<String> order = KernelModules.scan(dir).loadOrder(List.of("virtio_blk")).stream()
                .map(KernelModules.Module::name).toList();
        assertEquals(List.of("virtio", "virtio_blk"), order);
    }

    @Test
    void missingModuleIsNamedWithWhoNeedsIt() throws IOException {
        tree();
        ko("kernel/fs/9p/9p.ko", "depends=9pnet", "name=9p");
        KernelModules m = KernelModules.scan(dir);
        assertEquals(List.of("9pnet_virtio"), m.missing(List.of("virtio", "9pnet_virtio", "ext4")));
        OsBuilderException e = assertThrows(OsBuilderException.class, () -> m.loadOrder(List.of("9p")));
        assertTrue(e.getMessage().contains("9pnet") && e.getMessage().contains("needed by 9p"), e.getMessage());
    }

    @Test
    void cyclesAreReported() throws IOException {
        ko("kernel/a.ko", "depends=b", "name=a");
        ko("kernel/b.ko", "depends=a", "name=b");
        OsBuilderException e = assertThrows(OsBuilderException.class,
                () -> KernelModules.scan(dir).loadOrder(List.of("a")));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @Test
    void missingDirectoryIsAClearError() {
        OsBuilderException e = assertThrows(OsBuilderException.class, () -> KernelModules.scan(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }
}
