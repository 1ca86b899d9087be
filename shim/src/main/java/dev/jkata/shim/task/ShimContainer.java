package dev.jkata.shim.task;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A container the shim serves: its init process and its execs (the map is guarded by the service lock). */
final class ShimContainer {
    final String id;
    final Path bundle;
    final List<Mount> rootfs;
    final ShimProcess init;
    final Map<String, ShimProcess> execs = new LinkedHashMap<>();

    ShimContainer(String id, Path bundle, List<Mount> rootfs, ShimProcess init) {
        this.id = id;
        this.bundle = bundle;
        this.rootfs = rootfs;
        this.init = init;
    }
}
