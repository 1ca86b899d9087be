package dev.jkata.shim.server;

import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import dev.jkata.proto.containerd.task.ProcessInfo;
import dev.jkata.proto.containerd.task.Status;
import dev.jkata.proto.task.*;
import dev.jkata.shim.ShimException;
import dev.jkata.shim.cli.RuntimeOptions;
import dev.jkata.shim.task.ContainerRequest;
import dev.jkata.shim.task.ExecRequest;
import dev.jkata.shim.task.ExitStatus;
import dev.jkata.shim.task.Mount;
import dev.jkata.shim.task.ProcessView;
import dev.jkata.shim.task.Stdio;
import dev.jkata.shim.task.TaskService;
import dev.jkata.ttrpc.Code;
import dev.jkata.ttrpc.TtrpcException;
import dev.jkata.ttrpc.TtrpcServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** containerd.task.v2.Task over ttrpc: translates requests to {@link TaskService} calls and errors to codes. */
public final class TaskRpc {
    public static final String SERVICE = "containerd.task.v2.Task";
    private static final System.Logger LOG = System.getLogger(TaskRpc.class.getName());

    private final TaskService tasks;
    private final Map<String, String> env;
    private final Runnable onShutdown;

    /**
     * @param env        the daemon's environment (KATA_CONF_FILE, JKATA_SHIM_CONFIG_PATH)
     * @param onShutdown called once Shutdown found no containers left
     */
    public TaskRpc(TaskService tasks, Map<String, String> env, Runnable onShutdown) {
        this.tasks = tasks;
        this.env = env;
        this.onShutdown = onShutdown;
    }

    public void register(TtrpcServer server) {
        server.register(SERVICE, "Create", CreateTaskRequest.parser(), r -> call("Create", r.getId(), this::create, r));
        server.register(SERVICE, "Start", StartRequest.parser(), r -> call("Start", r.getId(), req ->
                StartResponse.newBuilder().setPid(tasks.start(req.getId(), req.getExecId())).build(), r));
        server.register(SERVICE, "Delete", DeleteRequest.parser(), r -> call("Delete", r.getId(), req -> {
            TaskService.Deleted d = tasks.delete(req.getId(), req.getExecId());
            return DeleteResponse.newBuilder().setPid(d.pid()).setExitStatus(d.exit().code())
                    .setExitedAt(timestamp(d.exit().at())).build();
        }, r));
        server.register(SERVICE, "State", StateRequest.parser(), r -> call("State", r.getId(), this::state, r));
        server.register(SERVICE, "Pids", PidsRequest.parser(), r -> call("Pids", r.getId(), req -> {
            PidsResponse.Builder b = PidsResponse.newBuilder();
            tasks.pids(req.getId()).forEach(pid -> b.addProcesses(ProcessInfo.newBuilder().setPid(pid)));
            return b.build();
        }, r));
        server.register(SERVICE, "Pause", PauseRequest.parser(), r -> call("Pause", r.getId(), req -> {
            tasks.pause(req.getId());
            return Empty.getDefaultInstance();
        }, r));
        server.register(SERVICE, "Resume", ResumeRequest.parser(), r -> call("Resume", r.getId(), req -> {
            tasks.resume(req.getId());
            return Empty.getDefaultInstance();
        }, r));
        server.register(SERVICE, "Checkpoint", CheckpointTaskRequest.parser(), r -> {
            throw new TtrpcException(Code.UNIMPLEMENTED, "checkpoint is not supported by the kata runtime");
        });
        server.register(SERVICE, "Kill", KillRequest.parser(), r -> call("Kill", r.getId(), req -> {
            tasks.kill(req.getId(), req.getExecId(), req.getSignal(), req.getAll());
            return Empty.getDefaultInstance();
        }, r));
        server.register(SERVICE, "Exec", ExecProcessRequest.parser(), r -> call("Exec", r.getId(), req -> {
            tasks.exec(req.getId(), new ExecRequest(req.getExecId(),
                    new Stdio(req.getStdin(), req.getStdout(), req.getStderr(), req.getTerminal()),
                    req.getSpec().getValue().toByteArray()));
            return Empty.getDefaultInstance();
        }, r));
        server.register(SERVICE, "ResizePty", ResizePtyRequest.parser(), r -> call("ResizePty", r.getId(), req -> {
            tasks.resizePty(req.getId(), req.getExecId(), req.getWidth(), req.getHeight());
            return Empty.getDefaultInstance();
        }, r));
        server.register(SERVICE, "CloseIO", CloseIORequest.parser(), r -> call("CloseIO", r.getId(), req -> {
            tasks.closeIo(req.getId(), req.getExecId(), req.getStdin());
            return Empty.getDefaultInstance();
        }, r));
        server.register(SERVICE, "Update", UpdateTaskRequest.parser(), r -> call("Update", r.getId(), req -> {
            tasks.update(req.getId(), req.getResources());
            return Empty.getDefaultInstance();
        }, r));
        server.register(SERVICE, "Wait", WaitRequest.parser(), r -> call("Wait", r.getId(), req -> {
            ExitStatus e = tasks.waitFor(req.getId(), req.getExecId());
            return WaitResponse.newBuilder().setExitStatus(e.code()).setExitedAt(timestamp(e.at())).build();
        }, r));
        server.register(SERVICE, "Stats", StatsRequest.parser(), r -> call("Stats", r.getId(), req ->
                StatsResponse.newBuilder().setStats(tasks.stats(req.getId())).build(), r));
        server.register(SERVICE, "Connect", ConnectRequest.parser(), r -> call("Connect", r.getId(), req ->
                ConnectResponse.newBuilder().setShimPid((int) ProcessHandle.current().pid())
                        .setTaskPid(tasks.taskPid(req.getId())).setVersion("2").build(), r));
        server.register(SERVICE, "Shutdown", ShutdownRequest.parser(), r -> call("Shutdown", r.getId(), req -> {
            if (tasks.shutdown()) {
                onShutdown.run();
            }
            return Empty.getDefaultInstance();
        }, r));
    }

    private CreateTaskResponse create(CreateTaskRequest r) {
        if (!r.getCheckpoint().isEmpty()) {
            throw new ShimException(ShimException.Kind.UNIMPLEMENTED, "restoring from a checkpoint is not supported");
        }
        Optional<Path> config = Optional.empty();
        if (r.hasOptions()) {
            config = RuntimeOptions.fromAny(r.getOptions()).map(RuntimeOptions::configPath)
                    .filter(p -> !p.isEmpty()).map(Path::of);
        }
        if (config.isEmpty()) {
            config = Optional.ofNullable(env.get(dev.jkata.shim.cli.StartCommand.CONFIG_PATH_ENV))
                    .filter(p -> !p.isEmpty()).map(Path::of);
        }
        if (config.isEmpty()) {
            config = Optional.ofNullable(env.get("KATA_CONF_FILE")).filter(p -> !p.isEmpty()).map(Path::of);
        }
        ContainerRequest request = new ContainerRequest(r.getId(), Path.of(r.getBundle()),
                r.getRootfsList().stream().map(m -> new Mount(m.getType(), m.getSource(), m.getTarget(),
                        m.getOptionsList())).toList(),
                new Stdio(r.getStdin(), r.getStdout(), r.getStderr(), r.getTerminal()), config);
        return CreateTaskResponse.newBuilder().setPid(tasks.create(request)).build();
    }

    private StateResponse state(StateRequest r) {
        ProcessView v = tasks.state(r.getId(), r.getExecId());
        StateResponse.Builder b = StateResponse.newBuilder()
                .setId(v.execId().isEmpty() ? v.containerId() : v.execId())
                .setBundle(v.bundle().toString())
                .setPid(v.pid())
                .setStatus(Status.forNumber(v.state().statusCode()))
                .setStdin(v.stdio().stdin())
                .setStdout(v.stdio().stdout())
                .setStderr(v.stdio().stderr())
                .setTerminal(v.stdio().terminal())
                .setExecId(v.execId());
        if (v.exit() != null) {
            b.setExitStatus(v.exit().code()).setExitedAt(timestamp(v.exit().at()));
        }
        return b.build();
    }

    private <Q, R> R call(String method, String id, Function<Q, R> body, Q request) {
        try {
            LOG.log(System.Logger.Level.DEBUG, method + " " + id);
            return body.apply(request);
        } catch (ShimException e) {
            LOG.log(System.Logger.Level.DEBUG, method + " " + id + " failed: " + e.getMessage());
            throw new TtrpcException(code(e.kind()), message(e), e);
        } catch (TtrpcException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, method + " " + id + " failed", e);
            throw new TtrpcException(Code.INTERNAL, method + " " + id + ": " + message(e), e);
        }
    }

    static String message(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != e; c = c.getCause()) {
            sb.append(": ").append(c.getMessage() != null ? c.getMessage() : c.toString());
        }
        return sb.toString();
    }

    static Code code(ShimException.Kind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> Code.INVALID_ARGUMENT;
            case NOT_FOUND -> Code.NOT_FOUND;
            case ALREADY_EXISTS -> Code.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Code.FAILED_PRECONDITION;
            case UNIMPLEMENTED -> Code.UNIMPLEMENTED;
            case INTERNAL -> Code.INTERNAL;
        };
    }

    static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
