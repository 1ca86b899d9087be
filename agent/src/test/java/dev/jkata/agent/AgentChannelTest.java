package dev.jkata.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentChannelTest {

    @TempDir
    Path root;

    private Path sys() {
        return root.resolve("sys");
    }

    private Path dev() {
        return root.resolve("dev");
    }

    private void port(String dir, String name) throws Exception {
        Path p = sys().resolve("class/virtio-ports").resolve(dir);
        Files.createDirectories(p);
        Files.writeString(p.resolve("name"), name + "\n");
        Files.createDirectories(dev());
        Files.writeString(dev().resolve(dir), "");
    }

    @Test
    void findsTheNamedSerialPort() throws Exception {
        port("vport0p0", "other");
        port("vport0p1", "agent.channel.0");
        AgentChannel c = AgentChannel.select(sys(), dev(), Duration.ZERO);
        assertEquals(new AgentChannel.Serial(dev().resolve("vport0p1")), c);
    }

    @Test
    void prefersVsockWhenATransportIsBound() throws Exception {
        port("vport0p1", "agent.channel.0");
        Files.writeString(dev().resolve("vsock"), "");
        Files.createDirectories(sys().resolve("bus/virtio/drivers/vmw_vsock_virtio_transport/virtio3"));
        assertEquals(new AgentChannel.Vsock(1024), AgentChannel.select(sys(), dev(), Duration.ZERO));
    }

    @Test
    void vsockDeviceWithoutTransportIsNotEnough() throws Exception {
        port("vport0p1", "agent.channel.0");
        Files.writeString(dev().resolve("vsock"), "");
        Files.createDirectories(sys().resolve("bus/virtio/drivers/vmw_vsock_virtio_transport"));
        assertTrue(AgentChannel.select(sys(), dev(), Duration.ZERO) instanceof AgentChannel.Serial);
    }

    @Test
    void waitsForThePortToAppear() throws Exception {
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(200);
                port("vport1p1", "agent.channel.0");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        AgentChannel c = AgentChannel.select(sys(), dev(), Duration.ofSeconds(10));
        t.join();
        assertEquals(new AgentChannel.Serial(dev().resolve("vport1p1")), c);
    }

    @Test
    void noChannelIsAClearError() {
        AgentException e = assertThrows(AgentException.class,
                () -> AgentChannel.select(sys(), dev(), Duration.ofMillis(100)));
        assertTrue(e.getMessage().contains("agent.channel.0"), e.getMessage());
    }
}
