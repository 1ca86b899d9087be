package dev.jkata.shim.task;

import static org.junit.jupiter.api.Assertions.*;

import dev.jkata.shim.ShimException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TaskServiceTest {
    final FakeBackend backend = new FakeBackend();
    final RecordingSink sink = new RecordingSink();
    final TaskService tasks = new TaskService(backend, sink, new NullStdio(), Clock.systemUTC(), Duration.ofSeconds(1));

    static ContainerRequest request(String id) {
        return new ContainerRequest(id, Path.of("/bundles/" + id), List.of(), Stdio.none(), Optional.empty());
    }

    static ExitStatus await(CompletableFuture<ExitStatus> f) throws Exception {
        return f.get(5, TimeUnit.SECONDS);
    }

    @Test
    void createStartExitWaitDelete() throws Exception {
        int pid = tasks.create(request("c1"));
        assertEquals("created", tasks.state("c1", "").state().label());
        assertEquals(1, tasks.state("c1", "").state().statusCode());
        int started = tasks.start("c1", "");
        assertTrue(started > 0);
        assertEquals(2, tasks.state("c1", "").state().statusCode());
        CompletableFuture<ExitStatus> waited = CompletableFuture.supplyAsync(() -> tasks.waitFor("c1", ""));
        backend.exit("c1", "", 7);
        assertEquals(7, await(waited).code());
        ProcessView v = tasks.state("c1", "");
        assertEquals(3, v.state().statusCode());
        assertEquals(7, v.exit().code());
        TaskService.Deleted d = tasks.delete("c1", "");
        assertEquals(7, d.exit().code());
        assertEquals(started, d.pid());
        assertEquals(List.of("/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete"), sink.topics());
        assertEquals(List.of("createSandbox c1", "create c1", "start c1", "delete c1", "shutdown"), backend.calls);
        assertTrue(pid > 0);
        assertTrue(tasks.shutdown());
        ShimException gone = assertThrows(ShimException.class, () -> tasks.state("c1", ""));
        assertEquals(ShimException.Kind.NOT_FOUND, gone.kind());
    }

    @Test
    void illegalTransitionsAreRefusedWithTheirReason() {
        tasks.create(request("c1"));
        ShimException e = assertThrows(ShimException.class, () -> tasks.pause("c1"));
        assertEquals(ShimException.Kind.FAILED_PRECONDITION, e.kind());
        assertTrue(e.getMessage().contains("cannot pause container c1: it is created"), e.getMessage());
        tasks.start("c1", "");
        e = assertThrows(ShimException.class, () -> tasks.start("c1", ""));
        assertTrue(e.getMessage().contains("already running"), e.getMessage());
        e = assertThrows(ShimException.class, () -> tasks.delete("c1", ""));
        assertTrue(e.getMessage().contains("cannot delete container c1: it is running"), e.getMessage());
        e = assertThrows(ShimException.class, () -> tasks.resume("c1"));
        assertTrue(e.getMessage().contains("not paused"), e.getMessage());
        e = assertThrows(ShimException.class, () -> tasks.create(request("c1")));
        assertEquals(ShimException.Kind.ALREADY_EXISTS, e.kind());
        e = assertThrows(ShimException.class, () -> tasks.kill("c1", "", 0, false));
        assertEquals(ShimException.Kind.INVALID_ARGUMENT, e.kind());
        e = assertThrows(ShimException.class, () -> tasks.start("nope", ""));
        assertEquals(ShimException.Kind.NOT_FOUND, e.kind());
    }

    @Test
    void pauseAndResume() {
        tasks.create(request("c1"));
        tasks.start("c1", "");
        tasks.pause("c1");
        assertEquals(4, tasks.state("c1", "").state().statusCode());
        tasks.resume("c1");
        assertEquals(2, tasks.state("c1", "").state().statusCode());
        assertTrue(sink.topics().containsAll(List.of("/tasks/paused", "/tasks/resumed")));
        assertTrue(backend.calls.containsAll(List.of("pause c1", "resume c1")));
    }

    @Test
    void execLifecycleAndKillAll() throws Exception {
        tasks.create(request("c1"));
        tasks.start("c1", "");
        tasks.exec("c1", new ExecRequest("e1", Stdio.none(), "{\"args\":[\"ls\"]}".getBytes()));
        assertEquals(1, tasks.state("c1", "e1").state().statusCode());
        int epid = tasks.start("c1", "e1");
        assertEquals(2, tasks.state("c1", "e1").state().statusCode());
        assertTrue(tasks.pids("c1").contains(epid));
        ShimException dup = assertThrows(ShimException.class,
                () -> tasks.exec("c1", new ExecRequest("e1", Stdio.none(), new byte[0])));
        assertEquals(ShimException.Kind.ALREADY_EXISTS, dup.kind());
        CompletableFuture<ExitStatus> execExit = CompletableFuture.supplyAsync(() -> tasks.waitFor("c1", "e1"));
        CompletableFuture<ExitStatus> initExit = CompletableFuture.supplyAsync(() -> tasks.waitFor("c1", ""));
        tasks.kill("c1", "", 9, true);
        assertEquals(137, await(initExit).code());
        assertEquals(137, await(execExit).code());
        assertTrue(backend.calls.contains("signal c1  9 all"), backend.calls.toString());
        assertEquals(137, tasks.delete("c1", "e1").exit().code());
        assertTrue(sink.topics().containsAll(List.of("/tasks/exec-added", "/tasks/exec-started")));
        TaskEvent.Exit execEvent = sink.events.stream().filter(e -> e instanceof TaskEvent.Exit x && x.id().equals("e1"))
                .map(TaskEvent.Exit.class::cast).findFirst().orElseThrow();
        assertEquals("c1", execEvent.containerId());
        // killing a stopped process is a no-op
        tasks.kill("c1", "", 15, false);
        assertEquals(1, backend.calls.stream().filter(c -> c.startsWith("signal")).count());
    }

    @Test
    void exitThatRacesStartIsPublishedAfterStart() throws Exception {
        backend.exitOnStart = true;
        backend.exitOnStartCode = 3;
        for (int i = 0; i < 30; i++) {
            String id = "r" + i;
            sink.events.clear();
            tasks.create(request(id));
            tasks.start(id, "");
            assertEquals(3, tasks.waitFor(id, "").code());
            List<String> topics = sink.topics();
            assertEquals(List.of("/tasks/create", "/tasks/start", "/tasks/exit"), topics, "round " + i);
        }
    }

    @Test
    void exitSeenWhileStartingIsHeldUntilStartIsRecorded() {
        ShimProcess p = new ShimProcess("c", "", Stdio.none(), null, 0);
        p.beginStart();
        assertFalse(p.recordExit(new ExitStatus(5, java.time.Instant.EPOCH)));
        assertInstanceOf(ProcessState.Starting.class, p.state());
        ExitStatus held = p.finishStart(42);
        assertEquals(5, held.code());
        assertEquals(new ProcessState.Stopped(42, held), p.state());
        assertFalse(p.recordExit(new ExitStatus(9, java.time.Instant.EPOCH)), "a second exit is ignored");
    }

    @Test
    void failedStartGoesBackToCreated() {
        tasks.create(request("c1"));
        backend.failStart = true;
        assertThrows(ShimException.class, () -> tasks.start("c1", ""));
        assertEquals("created", tasks.state("c1", "").state().label());
        backend.failStart = false;
        tasks.start("c1", "");
        assertEquals("running", tasks.state("c1", "").state().label());
    }

    @Test
    void vmDeathEndsEveryProcessWith255() throws Exception {
        tasks.create(request("c1"));
        tasks.start("c1", "");
        CompletableFuture<ExitStatus> waited = CompletableFuture.supplyAsync(() -> tasks.waitFor("c1", ""));
        backend.vm.complete("qemu killed");
        assertEquals(ExitStatus.VM_DIED, await(waited).code());
        assertEquals(3, tasks.state("c1", "").state().statusCode());
        tasks.delete("c1", "");
        assertTrue(backend.calls.contains("shutdown"));
    }

    @Test
    void killOfANeverStartedContainerEndsIt() throws Exception {
        tasks.create(request("c1"));
        tasks.kill("c1", "", 9, false);
        assertEquals(137, tasks.waitFor("c1", "").code());
        assertEquals(137, tasks.delete("c1", "").exit().code());
    }

    @Test
    void closeIoResizeUpdateStatsReachTheBackend() {
        tasks.create(request("c1"));
        tasks.start("c1", "");
        tasks.closeIo("c1", "", true);
        tasks.resizePty("c1", "", 80, 24);
        tasks.update("c1", com.google.protobuf.Any.newBuilder().setTypeUrl("x/LinuxResources").build());
        assertTrue(tasks.stats("c1").getTypeUrl().endsWith("StringValue"));
        assertTrue(backend.calls.containsAll(List.of("closeStdin c1 ", "resize c1  80x24", "update c1 x/LinuxResources")),
                backend.calls.toString());
    }

    @Test
    void shutdownRefusedWhileContainersRemain() {
        tasks.create(request("c1"));
        assertFalse(tasks.shutdown());
        assertEquals(0, tasks.taskPid("other"));
        assertTrue(tasks.taskPid("c1") > 0);
    }

    @Test
    void secondContainerJoinsTheSandbox() {
        tasks.create(request("sb"));
        tasks.create(request("c2"));
        assertEquals(List.of("createSandbox sb", "create sb", "create c2"), backend.calls);
        tasks.delete("c2", "");
        assertFalse(backend.calls.contains("shutdown"));
        tasks.delete("sb", "");
        assertTrue(backend.calls.contains("shutdown"));
    }

    @Test
    void guestOomBecomesAnOomEventForKnownContainersOnly() {
        tasks.create(request("c1"));
        backend.oomListener.accept("c1");
        backend.oomListener.accept("unknown");
        assertEquals(List.of(new TaskEvent.Oom("c1")),
                sink.events.stream().filter(e -> e instanceof TaskEvent.Oom).toList());
    }

    @Test
    void closeIoClosesTheGuestStdinOnlyAfterTheFifoCopyEnded() throws Exception {
        CompletableFuture<Void> stdinCopied = new CompletableFuture<>();
        StdioConnector pending = (name, stdio, streams) -> new StdioConnector.Connection() {
            public CompletableFuture<Void> outputDone() { return CompletableFuture.completedFuture(null); }
            public CompletableFuture<Void> stdinDone() { return stdinCopied; }
            public void close() { }
        };
        TaskService t = new TaskService(backend, sink, pending, Clock.systemUTC(), Duration.ofSeconds(1));
        t.create(request("c1"));
        t.start("c1", "");
        t.closeIo("c1", "", true); // returns at once: ctr closes its fifo end only after this answer
        assertFalse(backend.calls.stream().anyMatch(c -> c.startsWith("closeStdin")), backend.calls.toString());
        stdinCopied.complete(null);
        assertTrue(backend.calls.contains("closeStdin c1 "), backend.calls.toString());
    }

    @Test
    void exitWaitsForOutputThatIsStillMovingButNotForOutputNobodyReads() throws Exception {
        java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong();
        CompletableFuture<Void> output = new CompletableFuture<>();
        StdioConnector slow = (name, stdio, streams) -> new StdioConnector.Connection() {
            final CompletableFuture<Void> done = name.contains("silent") ? new CompletableFuture<>() : output;
            public CompletableFuture<Void> outputDone() { return done; }
            public long lastOutputNanos() { return name.contains("silent") ? 0 : last.get(); }
            public CompletableFuture<Void> stdinDone() { return CompletableFuture.completedFuture(null); }
            public void close() { }
        };
        TaskService t = new TaskService(backend, sink, slow, Clock.systemUTC(), Duration.ofMillis(300));
        t.create(request("busy"));
        t.start("busy", "");
        backend.exit("busy", "", 0);
        long t0 = System.nanoTime();
        for (int i = 0; i < 10; i++) { // bytes keep moving for a second
            last.set(System.nanoTime());
            Thread.sleep(100);
        }
        assertEquals(2, t.state("busy", "").state().statusCode(), "exit held back while output moves");
        output.complete(null);
        assertEquals(0, t.waitFor("busy", "").code());

        t.create(request("silent"));
        t.start("silent", "");
        long t1 = System.nanoTime();
        backend.exit("silent", "", 1);
        assertEquals(1, t.waitFor("silent", "").code());
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
        assertTrue(waited >= 250 && waited < 3000, "output nobody reads holds the exit ~300 ms, took " + waited);
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) > 1000);
    }

    @Test
    void closeIoBeforeStartWaitsForTheCopyThatStartBegins() {
        CompletableFuture<Void> stdinCopied = new CompletableFuture<>();
        StdioConnector pending = (name, stdio, streams) -> new StdioConnector.Connection() {
            public CompletableFuture<Void> outputDone() { return CompletableFuture.completedFuture(null); }
            public CompletableFuture<Void> stdinDone() { return stdinCopied; }
            public void close() { }
        };
        TaskService t = new TaskService(backend, sink, pending, Clock.systemUTC(), Duration.ofSeconds(1));
        t.create(request("c1"));
        t.closeIo("c1", "", true);
        t.start("c1", "");
        assertFalse(backend.calls.stream().anyMatch(c -> c.startsWith("closeStdin")), backend.calls.toString());
        stdinCopied.complete(null);
        assertTrue(backend.calls.contains("closeStdin c1 "), backend.calls.toString());
    }
}
