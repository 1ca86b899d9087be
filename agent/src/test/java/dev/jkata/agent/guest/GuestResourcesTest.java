package dev.jkata.agent.guest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuestResourcesTest {

    @TempDir
    Path sys;

    private void file(String rel, String content) throws Exception {
        Path p = sys.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    @Test
    void onlinesOfflineCpusAndMemory() throws Exception {
        file("devices/system/cpu/cpu1/online", "0\n");
        file("devices/system/cpu/cpu2/online", "1\n");
        file("devices/system/cpu/cpufreq/online", "0\n");
        file("devices/system/memory/memory7/online", "0\n");
        file("devices/system/memory/block_size_bytes", "8000000\n");
        GuestResources g = new GuestResources(sys);
        assertEquals(1, g.online(1, false));
        assertEquals("1", Files.readString(sys.resolve("devices/system/cpu/cpu1/online")));
        assertEquals("0\n", Files.readString(sys.resolve("devices/system/cpu/cpufreq/online")), "not a cpu");
        assertEquals("1", Files.readString(sys.resolve("devices/system/memory/memory7/online")));
        assertEquals(0x8000000L, g.memoryBlockSize());
        assertFalse(g.memoryHotplugProbe());
        file("devices/system/memory/probe", "");
        assertTrue(g.memoryHotplugProbe());
    }
}
