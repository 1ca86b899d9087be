package dev.jkata.runtime.network;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkToolsTest {

    @TempDir
    Path tmp;

    @Test
    void onlyAnNsfsMountOrAProcLinkIsANamespace() throws Exception {
        assertTrue(NetworkTools.isNetns(Path.of("/proc/self/ns/net")), "this process's namespace link");
        Path stale = Files.createFile(tmp.resolve("cni-stale"));
        assertFalse(NetworkTools.isNetns(stale), "a plain file left behind is no namespace");
        assertFalse(NetworkTools.isNetns(tmp.resolve("missing")));
    }
}
