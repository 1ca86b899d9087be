package dev.jkata.shim.events;

import dev.jkata.proto.events.ttrpc.Envelope;
import dev.jkata.shim.task.EventSink;
import dev.jkata.shim.task.TaskEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Queues events and forwards them in order on one daemon thread, so publishing never blocks the task
 * service. A failed forward is retried a few times with back-off, then the event is dropped and logged.
 */
public final class EventQueue implements EventSink, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventQueue.class.getName());

    /** Sends one envelope to containerd; throws on failure. */
    @FunctionalInterface
    public interface Forwarder {
        void forward(Envelope envelope) throws Exception;
    }

    private final LinkedBlockingQueue<Envelope> queue = new LinkedBlockingQueue<>(10_000);
    private final String namespace;
    private final Forwarder forwarder;
    private final Clock clock;
    private final int attempts;
    private final Duration backoff;
    private final Thread worker;
    private final Object idle = new Object();
    private volatile boolean closed;
    private int inFlight; // guarded by idle

    public EventQueue(String namespace, Forwarder forwarder, Clock clock, int attempts, Duration backoff) {
        this.namespace = namespace;
        this.forwarder = forwarder;
        this.clock = clock;
        this.attempts = attempts;
        this.backoff = backoff;
        this.worker = Thread.ofPlatform().daemon().name("shim-events").start(this::run);
    }

    @Override
    public void publish(TaskEvent event) {
        Envelope e = EventCodec.envelope(namespace, event, clock.instant());
        synchronized (idle) {
            if (closed || !queue.offer(e)) {
                LOG.log(System.Logger.Level.WARNING, "dropping event " + event.topic() + ": queue closed or full");
                return;
            }
            inFlight++;
        }
    }

    private void run() {
        while (!closed || !queue.isEmpty()) {
            Envelope e;
            try {
                e = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ex) {
                return;
            }
            if (e == null) {
                continue;
            }
            send(e);
            synchronized (idle) {
                inFlight--;
                idle.notifyAll();
            }
        }
    }

    private void send(Envelope e) {
        for (int i = 1; i <= attempts; i++) {
            try {
                forwarder.forward(e);
                return;
            } catch (Exception ex) {
                if (i == attempts) {
                    LOG.log(System.Logger.Level.WARNING, "cannot forward event " + e.getTopic() + ": " + ex);
                    return;
                }
                try {
                    Thread.sleep(backoff.toMillis() * i);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Waits until every queued event was sent (or given up on), at most {@code timeout}. */
    public boolean drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
    }
}
