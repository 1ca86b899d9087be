package dev.jkata.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.hypervisor.Accelerator;
import dev.jkata.hypervisor.NetDevice;
import dev.jkata.hypervisor.SharedFs;
import dev.jkata.hypervisor.VmConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class QemuNetworkArgsTest {

    private static final NetDevice.Tap TAP = new NetDevice.Tap("net0", "tap0_kata", "AA:0b:cc:dd:ee:01");

    private static LaunchPlan plan(String machine, List<NetDevice> devices, Path netns) {
        VmConfig c = QemuCommandLineTest.config(machine, new SharedFs.None()).withNetwork(devices, netns);
        return new LaunchPlan(c, Accelerator.TCG, machine, new LaunchPlan.AgentChannel.Serial(), OptionalLong.empty());
    }

    @Test
    void microvmTapBecomesNetdevAndVirtioNetDeviceWithTheMac() {
        List<String> args = QemuCommandLine.build(plan("microvm", List.of(TAP), null));
        assertEquals(List.of("tap,id=net0,ifname=tap0_kata,script=no,downscript=no,vhost=off"),
                QemuCommandLineTest.values(args, "-netdev"));
        assertTrue(QemuCommandLineTest.values(args, "-device")
                .contains("virtio-net-device,netdev=net0,mac=aa:0b:cc:dd:ee:01"), args::toString);
    }

    @Test
    void pciMachineUsesVirtioNetPci() {
        List<String> args = QemuCommandLine.build(plan("q35", List.of(TAP,
                new NetDevice.Tap("net1", "tap1_kata", "02:00:00:00:00:02")), null));
        assertEquals(2, QemuCommandLineTest.values(args, "-netdev").size());
        List<String> devices = QemuCommandLineTest.values(args, "-device");
        assertTrue(devices.contains("virtio-net-pci,netdev=net0,mac=aa:0b:cc:dd:ee:01"), devices::toString);
        assertTrue(devices.contains("virtio-net-pci,netdev=net1,mac=02:00:00:00:00:02"), devices::toString);
    }

    @Test
    void noDevicesNoNetdev() {
        List<String> args = QemuCommandLine.build(plan("microvm", List.of(), null));
        assertEquals(List.of(), QemuCommandLineTest.values(args, "-netdev"));
        assertTrue(args.stream().noneMatch(a -> a.startsWith("virtio-net")), args::toString);
    }

    @Test
    void netnsPrefixesNsenterAndKeepsQemuArguments() {
        LaunchPlan p = plan("microvm", List.of(TAP), Path.of("/var/run/netns/pod1"));
        List<String> launch = QemuCommandLine.launch(p);
        assertEquals(List.of("/usr/bin/nsenter", "--net=/var/run/netns/pod1", "--"), launch.subList(0, 3));
        assertEquals(QemuCommandLine.build(p), launch.subList(3, launch.size()));
    }

    @Test
    void withoutNetnsLaunchIsQemuItself() {
        LaunchPlan p = plan("microvm", List.of(), null);
        assertEquals(QemuCommandLine.build(p), QemuCommandLine.launch(p));
    }

    @Test
    void badTapInputsAreRejectedNamingThem() {
        IllegalArgumentException mac = assertThrows(IllegalArgumentException.class,
                () -> new NetDevice.Tap("net0", "tap0_kata", "zz:00:00:00:00:00"));
        assertTrue(mac.getMessage().contains("zz:00:00:00:00:00"), mac.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> new NetDevice.Tap("net0", "a-name-longer-than-15", "02:00:00:00:00:01"));
        assertTrue(name.getMessage().contains("a-name-longer-than-15"), name.getMessage());
        IllegalArgumentException id = assertThrows(IllegalArgumentException.class,
                () -> new NetDevice.Tap("net,0", "tap0", "02:00:00:00:00:01"));
        assertTrue(id.getMessage().contains("net,0"), id.getMessage());
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> QemuCommandLineTest.config("microvm", new SharedFs.None()).withNetwork(List.of(TAP,
                        new NetDevice.Tap("net0", "tap1_kata", "02:00:00:00:00:01")), null));
        assertTrue(dup.getMessage().contains("net0"), dup.getMessage());
    }
}
