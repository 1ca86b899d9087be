package dev.jkata.osbuilder;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code .modinfo} section of a kernel module (.ko, a relocatable ELF64 file): NUL separated
 * {@code key=value} strings. We need {@code name} and {@code depends} (the modules it needs).
 */
public record ModInfo(String name, List<String> depends, List<String> softPre, List<String> aliases, String vermagic) {

    /** Reads the .modinfo section of an ELF64 little-endian module file. */
    public static ModInfo parse(byte[] elf, String what) {
        if (!VmlinuxExtractor.isElf(elf) || elf.length < 64) {
            throw new OsBuilderException("kernel module " + what + " is not an ELF file");
        }
        if (elf[4] != 2 || elf[5] != 1) {
            throw new OsBuilderException("kernel module " + what + " is not ELF64 little-endian");
        }
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3a));
        int shnum = Short.toUnsignedInt(b.getShort(0x3c));
        int shstrndx = Short.toUnsignedInt(b.getShort(0x3e));
        if (shoff <= 0 || shoff + (long) shnum * shentsize > elf.length || shstrndx >= shnum) {
            throw new OsBuilderException("kernel module " + what + " has a broken section table");
        }
        long strOff = b.getLong((int) (shoff + (long) shstrndx * shentsize + 0x18));
        for (int i = 0; i < shnum; i++) {
            int sh = (int) (shoff + (long) i * shentsize);
            int nameIdx = b.getInt(sh);
            String secName = cString(elf, (int) (strOff + nameIdx));
            if (secName.equals(".modinfo")) {
                long off = b.getLong(sh + 0x18);
                long size = b.getLong(sh + 0x20);
                if (off + size > elf.length) {
                    throw new OsBuilderException("kernel module " + what + " has a truncated .modinfo section");
                }
                return fromSection(elf, (int) off, (int) size, what);
            }
        }
        throw new OsBuilderException("kernel module " + what + " has no .modinfo section");
    }

    /** Parses the strings of a .modinfo section. */
    static ModInfo fromSection(byte[] data, int off, int size, String what) {
        String name = null;
        String vermagic = "";
        List<String> depends = new ArrayList<>();
        List<String> softPre = new ArrayList<>();
        List<String> aliases = new ArrayList<>();
        int i = off;
        int end = off + size;
        while (i < end) {
            int z = i;
            while (z < end && data[z] != 0) {
                z++;
            }
            if (z > i) {
                String kv = new String(data, i, z - i, StandardCharsets.UTF_8);
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    String k = kv.substring(0, eq);
                    String v = kv.substring(eq + 1);
                    switch (k) {
                        case "name" -> name = v;
                        case "vermagic" -> vermagic = v;
                        case "depends" -> {
                            for (String d : v.split(",")) {
                                if (!d.isBlank()) {
                                    depends.add(normalize(d.strip()));
                                }
                            }
                        }
                        case "alias" -> aliases.add(v);
                        case "softdep" -> softPre.addAll(softdepPre(v));
                        default -> { }
                    }
                }
            }
            i = z + 1;
        }
        if (name == null) {
            String base = what.substring(what.lastIndexOf('/') + 1);
            name = base.endsWith(".ko") ? base.substring(0, base.length() - 3) : base;
        }
        return new ModInfo(normalize(name), List.copyOf(depends), List.copyOf(softPre), List.copyOf(aliases), vermagic);
    }

    /** The names after {@code pre:} in a softdep value such as {@code pre: crc32c post: foo}. */
    static List<String> softdepPre(String v) {
        List<String> out = new ArrayList<>();
        boolean pre = false;
        for (String w : v.trim().split("\\s+")) {
            if (w.endsWith(":")) {
                pre = w.equals("pre:");
            } else if (pre && !w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /** Module names treat '-' and '_' as the same character; we use '_'. */
    public static String normalize(String name) {
        return name.replace('-', '_');
    }

    private static String cString(byte[] d, int at) {
        int z = at;
        while (z < d.length && d[z] != 0) {
            z++;
        }
        return new String(d, at, z - at, StandardCharsets.US_ASCII);
    }
}
