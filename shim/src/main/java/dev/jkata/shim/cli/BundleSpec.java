package dev.jkata.shim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jkata.shim.ShimException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the shim itself needs from a bundle's {@code config.json}: its annotations, and from them the
 * Kata container type (sandbox, pod container, or a single container that is its own sandbox).
 */
public record BundleSpec(Map<String, String> annotations) {
    /** How Kata classifies a container by its CRI annotations. */
    public enum ContainerType { SINGLE_CONTAINER, POD_SANDBOX, POD_CONTAINER }

    static final String CRI_CONTAINER_TYPE = "io.kubernetes.cri.container-type";
    static final String CRI_SANDBOX_ID = "io.kubernetes.cri.sandbox-id";
    static final String CRIO_CONTAINER_TYPE = "io.kubernetes.cri-o.ContainerType";
    static final String CRIO_SANDBOX_ID = "io.kubernetes.cri-o.SandboxID";

    public static BundleSpec read(Path bundle) {
        Path config = bundle.resolve("config.json");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(config));
        } catch (NoSuchFileException e) {
            throw ShimException.invalid("bundle " + bundle + " has no config.json");
        } catch (IOException e) {
            throw new ShimException(ShimException.Kind.INVALID_ARGUMENT, "cannot parse " + config, e);
        }
        if (root == null || !root.isObject()) {
            throw ShimException.invalid(config + " is not a JSON object");
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        JsonNode a = root.get("annotations");
        if (a != null && !a.isNull()) {
            if (!a.isObject()) {
                throw ShimException.invalid(config + ": \"annotations\" must be an object of strings");
            }
            for (var it = a.properties().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getValue().isTextual()) {
                    throw ShimException.invalid(config + ": annotation " + e.getKey() + " must be a string");
                }
                annotations.put(e.getKey(), e.getValue().asText());
            }
        }
        return new BundleSpec(Map.copyOf(annotations));
    }

    public ContainerType containerType() {
        String t = annotations.getOrDefault(CRI_CONTAINER_TYPE, annotations.get(CRIO_CONTAINER_TYPE));
        if (t == null) {
            return ContainerType.SINGLE_CONTAINER;
        }
        return switch (t) {
            case "sandbox" -> ContainerType.POD_SANDBOX;
            case "container" -> ContainerType.POD_CONTAINER;
            default -> throw ShimException.invalid("unknown container type '" + t + "' in annotation "
                    + CRI_CONTAINER_TYPE + " (expected sandbox or container)");
        };
    }

    /** The sandbox a pod container belongs to. */
    public Optional<String> sandboxId() {
        return Optional.ofNullable(annotations.getOrDefault(CRI_SANDBOX_ID, annotations.get(CRIO_SANDBOX_ID)));
    }
}
