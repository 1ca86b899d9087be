package dev.jkata.agent.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** A minimal container rootfs: busybox-static and a few applet links. */
public final class BusyboxRootfs {

    static final List<String> APPLETS = List.of("sh", "echo", "cat", "sleep", "uname", "stty", "true", "false",
            "ls", "head", "dd", "id", "hostname", "ps", "kill", "tail", "ip", "date", "grep");

    private BusyboxRootfs() {
    }

    public static boolean available() {
        return Files.isExecutable(Path.of("/bin/busybox"));
    }

    public static Path create(Path rootfs) throws IOException {
        Path bin = rootfs.resolve("bin");
        Files.createDirectories(bin);
        for (String d : List.of("proc", "sys", "dev", "tmp", "etc", "root")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
        for (String a : APPLETS) {
            Path link = bin.resolve(a);
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of("busybox"));
            }
        }
        return rootfs;
    }
}
