package dev.jkata.osbuilder;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModInfoTest {

    @Test
    void readsNameDependsSoftdepAndAliasesFromTheModinfoSection() {
        byte[] ko = FakeElf.module("license=GPL", "softdep=pre: crc32c post: foo", "alias=fs-9p",
                "depends=9pnet,netfs,fscache", "name=9p", "vermagic=6.1.0 SMP mod_unload");
        ModInfo mi = ModInfo.parse(ko, "9p.ko");
        assertEquals("9p", mi.name());
        assertEquals(List.of("9pnet", "netfs", "fscache"), mi.depends());
        assertEquals(List.of("crc32c"), mi.softPre());
        assertEquals(List.of("fs-9p"), mi.aliases());
        assertEquals("6.1.0 SMP mod_unload", mi.vermagic());
    }

    @Test
    void emptyDependsAndDashedNamesAreNormalised() {
        ModInfo mi = ModInfo.parse(FakeElf.module("depends=", "name=crc32c-generic"), "x.ko");
        assertEquals("crc32c_generic", mi.name());
        assertTrue(mi.depends().isEmpty());
    }

    @Test
    void nameFallsBackToTheFileName() {
        assertEquals("virtio_blk", ModInfo.parse(FakeElf.module("depends=virtio"), "kernel/drivers/block/virtio_blk.ko").name());
    }

    @Test
    void rejectsNonElfInputNamingTheFile() {
        OsBuilderException e = assertThrows(OsBuilderException.class,
                () -> ModInfo.parse("not an elf file at all, really not".getBytes(), "bad.ko"));
        assertTrue(e.getMessage().contains("bad.ko") && e.getMessage().contains("ELF"), e.getMessage());
    }

    @Test
    void rejectsTruncatedSectionTable() {
        byte[] ko = FakeElf.module("name=x");
        byte[] cut = java.util.Arrays.copyOf(ko, ko.length - 100);
        OsBuilderException e = assertThrows(OsBuilderException.class, () -> ModInfo.parse(cut, "cut.ko"));
        assertTrue(e.getMessage().contains("cut.ko"), e.getMessage());
    }

    @Test
    void softdepParsing() {
        assertEquals(List.of("a", "b"), ModInfo.softdepPre("pre: a b post: c"));
        assertEquals(List.of(), ModInfo.softdepPre("post: c"));
    }
}
