package dev.jkata.agent.storage;

import dev.jkata.agent.AgentException;
import dev.jkata.proto.agent.Storage;

import java.nio.file.Path;
import java.util.List;

/**
 * A validated storage request: what to mount where in the guest.
 *
 * @param driver     how the storage reaches the guest
 * @param source     the mount source (a virtio-fs/9p tag, a guest path, or a name for tmpfs)
 * @param fstype     the filesystem type given to mount(2)
 * @param options    mount options
 * @param mountPoint absolute, normalised guest path
 */
public record StorageSpec(Driver driver, String source, String fstype, MountOptions options, Path mountPoint) {

    /** The storage drivers the agent knows, by their upstream names. */
    public enum Driver {
        VIRTIO_FS("virtio-fs", "virtiofs"),
        NINE_P("9p", "9p"),
        LOCAL("local", ""),
        EPHEMERAL("ephemeral", "tmpfs"),
        BIND("bind", "bind");

        final String wireName;
        final String defaultFstype;

        Driver(String wireName, String defaultFstype) {
            this.wireName = wireName;
            this.defaultFstype = defaultFstype;
        }

        static Driver of(String name) {
            for (Driver d : values()) {
                if (d.wireName.equals(name)) {
                    return d;
                }
            }
            if (name.equals("virtiofs")) {
                return VIRTIO_FS;
            }
            throw AgentException.invalid("storage driver '" + name + "' is not supported; expected one of "
                    + "virtio-fs, 9p, local, ephemeral, bind");
        }

        public String wireName() {
            return wireName;
        }
    }

    public static StorageSpec of(Storage s) {
        return of(s.getDriver(), s.getSource(), s.getFstype(), s.getOptionsList(), s.getMountPoint());
    }

    public static StorageSpec of(String driverName, String source, String fstype, List<String> options,
            String mountPoint) {
        Driver driver = Driver.of(driverName);
        if (mountPoint.isEmpty() || !mountPoint.startsWith("/")) {
            throw AgentException.invalid("storage " + driverName + " '" + source
                    + "': mount_point must be an absolute path, got '" + mountPoint + "'");
        }
        Path mp = Path.of(mountPoint).normalize();
        if (!mp.toString().equals(stripSlash(mountPoint)) || mountPoint.contains("/../")
                || mountPoint.endsWith("/..")) {
            throw AgentException.invalid("storage mount_point must be a canonical path, got '" + mountPoint + "'");
        }
        if (mp.getNameCount() == 0) {
            throw AgentException.invalid("storage mount_point must not be /");
        }
        if (source.isEmpty() && driver != Driver.LOCAL) {
            throw AgentException.invalid("storage " + driver.wireName + " at " + mountPoint + " has an empty source");
        }
        if (driver == Driver.BIND && !source.startsWith("/")) {
            throw AgentException.invalid("bind storage source must be an absolute guest path, got '" + source + "'");
        }
        String type = fstype.isEmpty() ? driver.defaultFstype : fstype;
        if (driver == Driver.VIRTIO_FS && !type.equals("virtiofs")) {
            throw AgentException.invalid("virtio-fs storage at " + mountPoint + " needs fstype virtiofs, got '" + fstype + "'");
        }
        if (driver == Driver.NINE_P && !type.equals("9p")) {
            throw AgentException.invalid("9p storage at " + mountPoint + " needs fstype 9p, got '" + fstype + "'");
        }
        return new StorageSpec(driver, source, type, MountOptions.parse(options), mp);
    }

    private static String stripSlash(String p) {
        String s = p;
        while (s.length() > 1 && s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
