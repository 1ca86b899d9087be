package dev.jkata.deploy;

import java.util.Arrays;
import java.util.Locale;

/** What kata-deploy configures; each can be chosen with {@code --targets}. */
public enum Target {
    CONTAINERD, DOCKER, PODMAN, RUNTIMECLASSES;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Target of(String name) throws DeployException {
        for (Target t : values()) {
            if (t.label().equals(name)) {
                return t;
            }
        }
        throw new DeployException("unknown target \"" + name + "\" (expected one of "
                + String.join(", ", Arrays.stream(values()).map(Target::label).toList()) + ")");
    }
}
