package dev.jkata.shim.task;

import com.google.protobuf.Any;
import com.google.protobuf.StringValue;
import dev.jkata.shim.ShimException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sandbox in memory: processes end when told to (or when signalled), every call is recorded. */
public final class FakeBackend implements SandboxBackend, SandboxFactory {
    public final List<String> calls = new CopyOnWriteArrayList<>();
    public final Map<String, CompletableFuture<ExitStatus>> exits = new ConcurrentHashMap<>();
    public final CompletableFuture<String> vm = new CompletableFuture<>();
    public final Map<String, ByteArrayOutputStream> stdins = new ConcurrentHashMap<>();
    public volatile boolean exitOnStart;
    public volatile int exitOnStartCode;
    public volatile boolean failStart;
    public volatile java.util.function.Consumer<String> oomListener;
    private int nextPid = 100;

    static String key(String cid, String execId) {
        return cid + "/" + execId;
    }

    /** Ends a process with {@code code}. */
    public void exit(String cid, String execId, int code) {
        exits.computeIfAbsent(key(cid, execId), k -> new CompletableFuture<>()).complete(new ExitStatus(code, Instant.now()));
    }

    @Override
    public Created createSandbox(ContainerRequest first) {
        calls.add("createSandbox " + first.id());
        return new Created(this, createContainer(first));
    }

    @Override
    public synchronized int createContainer(ContainerRequest request) {
        calls.add("create " + request.id());
        return nextPid++;
    }

    private int started(String cid, String execId) {
        if (failStart) {
            throw new ShimException(ShimException.Kind.INTERNAL, "start failed on purpose");
        }
        exits.computeIfAbsent(key(cid, execId), k -> new CompletableFuture<>());
        if (exitOnStart) {
            exit(cid, execId, exitOnStartCode);
        }
        synchronized (this) {
            return nextPid++;
        }
    }

    @Override
    public int startContainer(String containerId) {
        calls.add("start " + containerId);
        return started(containerId, "");
    }

    @Override
    public int startExec(String containerId, ExecRequest exec) {
        calls.add("exec " + containerId + " " + exec.execId() + " " + new String(exec.processJson()));
        return started(containerId, exec.execId());
    }

    @Override
    public ProcessStreams streams(String containerId, String execId) {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        stdins.put(key(containerId, execId), in);
        return new ProcessStreams(in, new ByteArrayInputStream(("out of " + key(containerId, execId)).getBytes()), null);
    }

    @Override
    public ExitStatus waitProcess(String containerId, String execId) {
        CompletableFuture<ExitStatus> f = exits.computeIfAbsent(key(containerId, execId), k -> new CompletableFuture<>());
        return CompletableFuture.anyOf(f, vm).thenApply(o -> {
            if (o instanceof ExitStatus e) {
                return e;
            }
            throw new ShimException(ShimException.Kind.INTERNAL, "vm gone");
        }).join();
    }

    @Override
    public void signal(String containerId, String execId, int signal, boolean all) {
        calls.add("signal " + containerId + " " + execId + " " + signal + (all ? " all" : ""));
        if (signal == 9 || signal == 15) {
            exit(containerId, execId, 128 + signal);
            if (all) {
                exits.forEach((k, f) -> {
                    if (k.startsWith(containerId + "/")) {
                        f.complete(new ExitStatus(128 + signal, Instant.now()));
                    }
                });
            }
        }
    }

    @Override
    public void pause(String containerId) {
        calls.add("pause " + containerId);
    }

    @Override
    public void resume(String containerId) {
        calls.add("resume " + containerId);
    }

    @Override
    public void resizePty(String containerId, String execId, int width, int height) {
        calls.add("resize " + containerId + " " + execId + " " + width + "x" + height);
    }

    @Override
    public void closeStdin(String containerId, String execId) {
        calls.add("closeStdin " + containerId + " " + execId);
    }

    @Override
    public void update(String containerId, Any resources) {
        calls.add("update " + containerId + " " + resources.getTypeUrl());
    }

    @Override
    public Any stats(String containerId) {
        return Any.pack(StringValue.of("stats of " + containerId));
    }

    @Override
    public void watchOom(java.util.function.Consumer<String> listener) {
        oomListener = listener;
    }

    @Override
    public void deleteContainer(String containerId) {
        calls.add("delete " + containerId);
    }

    @Override
    public void shutdown() {
        calls.add("shutdown");
    }

    @Override
    public CompletableFuture<String> vmExited() {
        return vm;
    }
}
