package dev.jkata.shim.events;

import static org.junit.jupiter.api.Assertions.*;

import dev.jkata.proto.events.TaskExit;
import dev.jkata.proto.events.ttrpc.Envelope;
import dev.jkata.shim.task.TaskEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventQueueTest {
    @Test
    void forwardsInOrderWithContainerdTypeUrls() throws Exception {
        List<Envelope> sent = new CopyOnWriteArrayList<>();
        try (EventQueue q = new EventQueue("ns1", sent::add, Clock.systemUTC(), 3, Duration.ofMillis(1))) {
            q.publish(new TaskEvent.Start("c1", 10));
            q.publish(new TaskEvent.Exit("c1", "c1", 10, 7, Instant.ofEpochSecond(5)));
            assertTrue(q.drain(Duration.ofSeconds(5)));
        }
        assertEquals(List.of("/tasks/start", "/tasks/exit"), sent.stream().map(Envelope::getTopic).toList());
        assertEquals("ns1", sent.get(1).getNamespace());
        assertEquals("containerd.events.TaskStart", sent.get(0).getEvent().getTypeUrl());
        assertEquals("containerd.events.TaskExit", sent.get(1).getEvent().getTypeUrl());
        TaskExit exit = TaskExit.parseFrom(sent.get(1).getEvent().getValue());
        assertEquals(7, exit.getExitStatus());
        assertEquals(5, exit.getExitedAt().getSeconds());
    }

    @Test
    void retriesAFailingForwarder() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        List<String> sent = new CopyOnWriteArrayList<>();
        try (EventQueue q = new EventQueue("n", e -> {
            if (tries.incrementAndGet() < 3) {
                throw new java.io.IOException("containerd not there yet");
            }
            sent.add(e.getTopic());
        }, Clock.systemUTC(), 5, Duration.ofMillis(1))) {
            q.publish(new TaskEvent.Oom("c"));
            assertTrue(q.drain(Duration.ofSeconds(5)));
        }
        assertEquals(3, tries.get());
        assertEquals(List.of("/tasks/oom"), sent);
    }

    @Test
    void publishNeverBlocksOnASlowContainerd() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (EventQueue q = new EventQueue("n", e -> release.await(), Clock.systemUTC(), 1, Duration.ZERO)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                q.publish(new TaskEvent.Paused("c" + i));
            }
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 2000);
            assertFalse(q.drain(Duration.ofMillis(50)));
            release.countDown();
            assertTrue(q.drain(Duration.ofSeconds(5)));
        }
    }

    @Test
    void everyEventHasItsContainerdType() {
        List<TaskEvent> all = List.of(
                new TaskEvent.Create("c", "/b", List.of(new dev.jkata.shim.task.Mount("overlay", "o", "", List.of("ro"))),
                        dev.jkata.shim.task.Stdio.none(), 1),
                new TaskEvent.Start("c", 1), new TaskEvent.Exit("c", "c", 1, 0, Instant.EPOCH),
                new TaskEvent.Delete("c", "c", 1, 0, Instant.EPOCH), new TaskEvent.ExecAdded("c", "e"),
                new TaskEvent.ExecStarted("c", "e", 2), new TaskEvent.Paused("c"), new TaskEvent.Resumed("c"),
                new TaskEvent.Oom("c"));
        List<String> types = all.stream().map(e -> EventCodec.envelope("n", e, Instant.EPOCH).getEvent().getTypeUrl()).toList();
        assertEquals(List.of("containerd.events.TaskCreate", "containerd.events.TaskStart", "containerd.events.TaskExit",
                "containerd.events.TaskDelete", "containerd.events.TaskExecAdded", "containerd.events.TaskExecStarted",
                "containerd.events.TaskPaused", "containerd.events.TaskResumed", "containerd.events.TaskOOM"), types);
    }
}
