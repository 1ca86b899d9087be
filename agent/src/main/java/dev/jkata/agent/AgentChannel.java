package dev.jkata.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/** Where the agent listens for the host: vsock port 1024, or the virtio-serial port agent.channel.0. */
public sealed interface AgentChannel {

    int VSOCK_PORT = 1024;
    String SERIAL_NAME = "agent.channel.0";

    record Vsock(int port) implements AgentChannel {
        @Override
        public String toString() {
            return "vsock port " + port;
        }
    }

    record Serial(Path device) implements AgentChannel {
        @Override
        public String toString() {
            return "virtio-serial " + device;
        }
    }

    /**
     * Picks the channel as upstream does, without any parameter: vsock when a virtio vsock
     * transport is bound, otherwise the serial port named agent.channel.0, waiting up to
     * {@code wait} for it to appear.
     *
     * @param sys the sysfs root ("/sys" in the guest)
     * @param dev the device root ("/dev" in the guest)
     */
    static AgentChannel select(Path sys, Path dev, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            if (hasVsock(sys, dev)) {
                return new Vsock(VSOCK_PORT);
            }
            Path serial = findSerial(sys, dev);
            if (serial != null) {
                return new Serial(serial);
            }
            if (System.nanoTime() > deadline) {
                throw AgentException.precondition("no agent channel: no vsock transport under "
                        + sys.resolve("bus/virtio/drivers/vmw_vsock_virtio_transport") + " and no virtio port named "
                        + SERIAL_NAME + " under " + sys.resolve("class/virtio-ports") + " after " + wait.toMillis() + " ms");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw AgentException.internal("interrupted while waiting for the agent channel", e);
            }
        }
    }

    static boolean hasVsock(Path sys, Path dev) {
        if (!Files.exists(dev.resolve("vsock"))) {
            return false;
        }
        Path driver = sys.resolve("bus/virtio/drivers/vmw_vsock_virtio_transport");
        try (Stream<Path> s = Files.list(driver)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("virtio"));
        } catch (IOException e) {
            return false;
        }
    }

    static Path findSerial(Path sys, Path dev) {
        try (Stream<Path> ports = Files.list(sys.resolve("class/virtio-ports"))) {
            for (Path port : (Iterable<Path>) ports.sorted()::iterator) {
                Path nameFile = port.resolve("name");
                if (Files.isReadable(nameFile) && Files.readString(nameFile).trim().equals(SERIAL_NAME)) {
                    Path device = dev.resolve(port.getFileName().toString());
                    if (Files.exists(device)) {
                        return device;
                    }
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
