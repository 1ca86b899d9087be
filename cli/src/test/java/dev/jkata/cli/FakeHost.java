package dev.jkata.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A host made of maps: files with text, executables, devices that open read-write, command outputs. */
final class FakeHost implements Host {
    final Map<String, String> env = new HashMap<>();
    final Map<Path, String> files = new HashMap<>();
    final Set<Path> executables = new HashSet<>();
    final Set<Path> unreadable = new HashSet<>();
    final Set<Path> readWriteDevices = new HashSet<>();
    final Map<List<String>, String> commands = new HashMap<>();
    final Map<String, Path> path = new HashMap<>();

    /** A host like this project's machines: QEMU, virtiofsd, guest assets, no usable KVM, no vhost-vsock. */
    static FakeHost tcgHost() {
        FakeHost h = new FakeHost();
        h.executable("/usr/bin/qemu-system-x86_64", "QEMU emulator version 7.2.22 (Debian)\nCopyright\n");
        h.executable("/usr/lib/qemu/virtiofsd", "virtiofsd version 7.2\n");
        h.files.put(Path.of("/opt/kata/share/kata-containers/vmlinux.container"), "ELF kernel");
        h.files.put(Path.of("/opt/kata/share/kata-containers/kata-containers-initrd.img"), "070701 cpio");
        h.files.put(Path.of("/dev/kvm"), "");
        h.readWriteDevices.add(Path.of("/dev/kvm"));
        h.files.put(Path.of("/proc/cpuinfo"), "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: EPYC\nflags\t\t: fpu sse2 hypervisor\n");
        h.files.put(Path.of("/etc/os-release"), "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n");
        h.files.put(Path.of("/proc/sys/kernel/osrelease"), "6.1.0-test\n");
        h.files.put(Path.of("/proc/meminfo"), "MemTotal:       24000000 kB\nMemFree:  1000 kB\nMemAvailable: 2000 kB\n");
        h.path.put("containerd-shim-kata-v2", Path.of("/usr/local/bin/containerd-shim-kata-v2"));
        h.path.put("containerd", Path.of("/usr/bin/containerd"));
        return h;
    }

    void executable(String p, String versionOutput) {
        files.put(Path.of(p), "#!");
        executables.add(Path.of(p));
        commands.put(List.of(p, "--version"), versionOutput);
    }

    @Override
    public Map<String, String> env() {
        return env;
    }

    @Override
    public boolean exists(Path p) {
        return files.containsKey(p);
    }

    @Override
    public boolean isRegularFile(Path p) {
        return files.containsKey(p);
    }

    @Override
    public boolean isReadable(Path p) {
        return files.containsKey(p) && !unreadable.contains(p);
    }

    @Override
    public boolean isExecutable(Path p) {
        return executables.contains(p);
    }

    @Override
    public long size(Path p) {
        return files.containsKey(p) ? files.get(p).length() : -1;
    }

    @Override
    public Optional<String> read(Path p) {
        return isReadable(p) ? Optional.of(files.get(p)) : Optional.empty();
    }

    @Override
    public boolean opensReadWrite(Path p) {
        return readWriteDevices.contains(p);
    }

    @Override
    public Optional<String> run(List<String> command) {
        return Optional.ofNullable(commands.get(command));
    }

    @Override
    public Optional<Path> which(String program) {
        return Optional.ofNullable(path.get(program));
    }

    @Override
    public List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        for (Path p : files.keySet()) {
            if (dir.equals(p.getParent())) {
                out.add(p);
            }
        }
        out.sort(null);
        return out;
    }

    @Override
    public int cpus() {
        return 2;
    }
}
