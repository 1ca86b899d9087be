package dev.jkata.shim.io;

import static org.junit.jupiter.api.Assertions.*;

import dev.jkata.shim.task.ProcessStreams;
import dev.jkata.shim.task.Stdio;
import dev.jkata.shim.task.StdioConnector;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FifoStdioTest {
    @TempDir
    Path dir;

    Path fifo(String name) throws Exception {
        Path p = dir.resolve(name);
        assertEquals(0, new ProcessBuilder("mkfifo", p.toString()).start().waitFor());
        return p;
    }

    @Test
    void copiesStdinAndStdoutThroughFifos() throws Exception {
        Path in = fifo("stdin");
        Path out = fifo("stdout");
        ByteArrayOutputStream processStdin = new ByteArrayOutputStream();
        InputStream processStdout = new ByteArrayInputStream("hello from the guest\n".getBytes(StandardCharsets.UTF_8));
        StdioConnector.Connection c = new FifoStdio().connect("t", new Stdio(in.toString(), out.toString(), "", true),
                new ProcessStreams(processStdin, processStdout, null));
        // containerd's side: read stdout, write stdin
        CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
            try (InputStream r = Files.newInputStream(out)) {
                return new String(r.readAllBytes(), StandardCharsets.UTF_8);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try (OutputStream w = Files.newOutputStream(in)) {
            w.write("typed\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("hello from the guest\n", read.get(10, TimeUnit.SECONDS));
        c.outputDone().get(10, TimeUnit.SECONDS);
        c.stdinDone().get(10, TimeUnit.SECONDS);
        assertEquals("typed\n", processStdin.toString(StandardCharsets.UTF_8));
        c.close();
    }

    @Test
    void outputWithoutAFifoIsDrained() throws Exception {
        InputStream big = new ByteArrayInputStream(new byte[1 << 20]);
        StdioConnector.Connection c = new FifoStdio().connect("t", Stdio.none(), new ProcessStreams(null, big, null));
        c.outputDone().get(10, TimeUnit.SECONDS);
        assertEquals(0, big.available());
        c.close();
    }

    @Test
    void logHandlerWritesLogrusLinesToTheFifo() throws Exception {
        Path log = fifo("log");
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(log)))) {
                return r.readLine();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        LogFifoHandler h = new LogFifoHandler(log, "t1");
        h.publish(new java.util.logging.LogRecord(java.util.logging.Level.WARNING, "say \"hi\""));
        String got = line.get(10, TimeUnit.SECONDS);
        h.close();
        assertTrue(got.contains("level=warning msg=\"say \\\"hi\\\"\" id=\"t1\""), got);
    }
}
