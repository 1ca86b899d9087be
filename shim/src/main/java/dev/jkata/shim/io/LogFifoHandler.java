package dev.jkata.shim.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * A java.util.logging handler that writes logrus-style lines to the bundle's {@code log} fifo, which
 * containerd reads. The fifo is opened read-write so the open never blocks; lines go through a bounded
 * queue drained by one daemon thread, so a caller never blocks on a full pipe (lines are dropped instead).
 */
public final class LogFifoHandler extends Handler {
    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(4096);
    private final FileChannel channel;
    private final String id;

    public LogFifoHandler(Path fifo, String id) throws IOException {
        this.channel = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.id = id;
        Thread.ofPlatform().daemon().name("shim-log").start(this::drain);
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("time=\"").append(Instant.ofEpochMilli(record.getMillis())).append("\" level=")
                .append(level(record.getLevel())).append(" msg=").append(quote(message(record)))
                .append(" id=").append(quote(id)).append(" source=").append(quote(record.getLoggerName()));
        if (record.getThrown() != null) {
            sb.append(" error=").append(quote(String.valueOf(record.getThrown())));
        }
        sb.append('\n');
        lines.offer(sb.toString());
    }

    private static String message(LogRecord r) {
        String m = r.getMessage();
        Object[] params = r.getParameters();
        if (m != null && params != null && params.length > 0) {
            try {
                return java.text.MessageFormat.format(m, params);
            } catch (IllegalArgumentException e) {
                return m;
            }
        }
        return m == null ? "" : m;
    }

    static String level(Level l) {
        int v = l.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "error";
        }
        if (v >= Level.WARNING.intValue()) {
            return "warning";
        }
        if (v >= Level.INFO.intValue()) {
            return "info";
        }
        return "debug";
    }

    static String quote(String s) {
        if (s == null) {
            return "\"\"";
        }
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private void drain() {
        try {
            while (true) {
                String line = lines.take();
                ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            }
        } catch (InterruptedException | IOException e) {
            // the fifo is gone or we are shutting down
        }
    }

    @Override
    public void flush() {
        // lines are written by the drain thread as they come
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
