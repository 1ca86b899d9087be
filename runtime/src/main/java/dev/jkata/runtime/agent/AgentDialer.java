package dev.jkata.runtime.agent;

import dev.jkata.hypervisor.AgentEndpoint;
import dev.jkata.hypervisor.VirtualMachine;
import dev.jkata.proto.agent.CheckRequest;
import dev.jkata.proto.agent.HealthCheckResponse;
import dev.jkata.ttrpc.Code;
import dev.jkata.ttrpc.Connection;
import dev.jkata.ttrpc.Transports;
import dev.jkata.ttrpc.TtrpcClient;
import dev.jkata.ttrpc.TtrpcException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reaches the agent of a booting guest. Opens the endpoint (retrying while the socket is not
 * there yet), then sends Health.Check with a short deadline until one is answered. A check that
 * times out keeps the connection: on virtio-serial the request waits in the port until the agent
 * opens it. A dropped connection is re-opened. Each timed-out check doubles the next one's deadline
 * (up to {@link #MAX_TRY_FACTOR} times the configured one): every check sent into a closed serial
 * port is read and answered by the agent once it starts, before the requests behind them.
 */
final class AgentDialer {

    private static final System.Logger LOG = System.getLogger(AgentDialer.class.getName());
    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);
    private static final int CONSOLE_TAIL_BYTES = 3000;
    /** Bound of the growing per-check deadline, as a multiple of {@link AgentTimeouts#checkTry()}. */
    static final int MAX_TRY_FACTOR = 8;

    private AgentDialer() {
    }

    static TtrpcClient dial(AgentEndpoint endpoint, AgentTimeouts timeouts, VirtualMachine vm) throws AgentException {
        Instant start = Instant.now();
        Instant deadline = start.plus(timeouts.dial());
        AtomicReference<TtrpcClient> current = new AtomicReference<>();
        if (vm != null) {
            // Wake a check blocked on a dead VM at once.
            vm.exited().whenComplete((code, error) -> {
                TtrpcClient c = current.get();
                if (c != null) {
                    c.close();
                }
            });
        }
        String lastError = "no attempt made";
        int attempts = 0;
        Duration tryDeadline = timeouts.checkTry();
        Duration maxTry = timeouts.checkTry().multipliedBy(MAX_TRY_FACTOR);
        try {
            while (true) {
                checkVm(endpoint, vm, start);
                Duration left = Duration.between(Instant.now(), deadline);
                if (left.isNegative() || left.isZero()) {
                    throw new AgentException(Code.DEADLINE_EXCEEDED, "agent at " + describe(endpoint)
                            + " did not answer grpc.Health/Check within " + timeouts.dial() + " (" + attempts
                            + " attempts; last: " + lastError + ")" + diagnosis(vm) + consoleTail(vm));
                }
                TtrpcClient client = current.get();
                if (client == null || client.isClosed()) {
                    try {
                        client = new TtrpcClient(open(endpoint));
                        current.set(client);
                    } catch (IOException | TtrpcException e) {
                        lastError = "connect: " + e.getMessage();
                        pause();
                        continue;
                    }
                }
                attempts++;
                Duration per = left.compareTo(tryDeadline) < 0 ? left : tryDeadline;
                try {
                    HealthCheckResponse r = client.call(AgentClient.HEALTH_SERVICE, "Check",
                            CheckRequest.getDefaultInstance(), HealthCheckResponse.parser(), per);
                    LOG.log(System.Logger.Level.DEBUG, "agent at {0} answered ({1}) after {2} ms, {3} attempts",
                            describe(endpoint), r.getStatus(), Duration.between(start, Instant.now()).toMillis(),
                            attempts);
                    TtrpcClient done = current.getAndSet(null);
                    return done;
                } catch (TtrpcException e) {
                    lastError = e.code() + ": " + e.getMessage();
                    if (e.code() == Code.DEADLINE_EXCEEDED) {
                        Duration doubled = tryDeadline.multipliedBy(2);
                        tryDeadline = doubled.compareTo(maxTry) > 0 ? maxTry : doubled;
                    } else {
                        client.close();
                        current.set(null);
                        pause();
                    }
                }
            }
        } finally {
            TtrpcClient leftover = current.getAndSet(null);
            if (leftover != null) {
                leftover.close();
            }
        }
    }

    private static Connection open(AgentEndpoint endpoint) throws IOException {
        return switch (endpoint) {
            case AgentEndpoint.Serial s -> Transports.unix(s.unixSocket());
            case AgentEndpoint.Vsock v -> Transports.vsock(v.cid(), v.port());
            case AgentEndpoint.HybridVsock h -> Transports.hybridVsock(h.socket(), h.port());
        };
    }

    private static void checkVm(AgentEndpoint endpoint, VirtualMachine vm, Instant start) throws AgentException {
        if (vm == null || !vm.exited().isDone()) {
            return;
        }
        Integer code = vm.exited().getNow(null);
        throw new AgentException(Code.UNAVAILABLE, "VM process (pid " + vm.pid() + ") exited"
                + (code == null ? "" : " with status " + code) + " "
                + Duration.between(start, Instant.now()).toMillis() + " ms after it started, while waiting for the agent at "
                + describe(endpoint) + consoleTail(vm));
    }

    private static String diagnosis(VirtualMachine vm) {
        if (vm == null) {
            return "";
        }
        String d = vm.diagnose();
        return d.isEmpty() ? "" : "; the VM: " + d;
    }

    private static String consoleTail(VirtualMachine vm) {
        if (vm == null) {
            return "";
        }
        return "; console log " + vm.consoleLog() + " ends with:\n" + ConsoleTail.of(vm.consoleLog(), CONSOLE_TAIL_BYTES);
    }

    static String describe(AgentEndpoint endpoint) {
        return switch (endpoint) {
            case AgentEndpoint.Serial s -> "serial:" + s.unixSocket();
            case AgentEndpoint.Vsock v -> "vsock:" + v.cid() + ":" + v.port();
            case AgentEndpoint.HybridVsock h -> "hvsock:" + h.socket() + ":" + h.port();
        };
    }

    private static void pause() throws AgentException {
        try {
            Thread.sleep(RETRY_PAUSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException(Code.CANCELLED, "interrupted while waiting for the agent", e);
        }
    }
}
