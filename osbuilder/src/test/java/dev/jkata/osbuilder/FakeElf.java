package dev.jkata.osbuilder;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds minimal relocatable ELF64 files with a .modinfo section, as kernel modules have. */
final class FakeElf {
    private FakeElf() {}

    static byte[] module(String... modinfo) {
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        for (String kv : modinfo) {
            info.writeBytes(kv.getBytes(StandardCharsets.UTF_8));
            info.write(0);
        }
        byte[] infoBytes = info.toByteArray();
        byte[] shstr = "\0.modinfo\0.shstrtab\0".getBytes(StandardCharsets.US_ASCII);
        int infoOff = 64;
        int strOff = infoOff + infoBytes.length;
        int shOff = (strOff + shstr.length + 7) & ~7;
        int shnum = 3;
        ByteBuffer b = ByteBuffer.allocate(shOff + shnum * 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.position(16);
        b.putShort((short) 1); // ET_REL
        b.putShort((short) 62); // x86-64
        b.putInt(1);
        b.putLong(0); // entry
        b.putLong(0); // phoff
        b.putLong(shOff);
        b.putInt(0); // flags
        b.putShort((short) 64); // ehsize
        b.putShort((short) 0);
        b.putShort((short) 0);
        b.putShort((short) 64); // shentsize
        b.putShort((short) shnum);
        b.putShort((short) 2); // shstrndx
        b.position(infoOff);
        b.put(infoBytes);
        b.put(shstr);
        section(b, shOff + 64, 1, infoOff, infoBytes.length);
        section(b, shOff + 128, 10, strOff, shstr.length);
        return b.array();
    }

    private static void section(ByteBuffer b, int at, int name, long off, long size) {
        b.putInt(at, name);
        b.putInt(at + 4, 1); // SHT_PROGBITS
        b.putLong(at + 0x18, off);
        b.putLong(at + 0x20, size);
    }
}
