package dev.jkata.runtime.config;

import java.util.Optional;

/** Kata's {@code shared_fs} values that jkata supports. */
public enum SharedFsType {
    VIRTIO_FS("virtio-fs"),
    VIRTIO_9P("virtio-9p"),
    NONE("none");

    private final String tomlName;

    SharedFsType(String tomlName) {
        this.tomlName = tomlName;
    }

    /** The spelling in the configuration file and annotations. */
    public String tomlName() {
        return tomlName;
    }

    /** The type named {@code value}, or empty when it is not one of ours. */
    public static Optional<SharedFsType> fromTomlName(String value) {
        for (SharedFsType t : values()) {
            if (t.tomlName.equals(value)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Why {@code value} is not accepted, for error messages. */
    static String rejection(String value) {
        if (value.equals("virtio-fs-nydus")) {
            return "\"virtio-fs-nydus\" is not supported by jkata; use \"virtio-fs\", \"virtio-9p\" or \"none\"";
        }
        return "expected one of \"virtio-fs\", \"virtio-9p\", \"none\", got \"" + value + "\"";
    }
}
