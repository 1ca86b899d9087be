package dev.jkata.shim.cli;

import com.google.protobuf.Any;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.jkata.shim.ShimException;
import java.io.IOException;
import java.util.Optional;

/**
 * The runtime options containerd hands a shim (on {@code start}'s stdin and in CreateTaskRequest.options):
 * a protobuf Any wrapping {@code runtimeoptions.v1.Options} (type_url = 1, config_path = 2).
 */
public record RuntimeOptions(String typeUrl, String configPath) {
    static final String TYPE = "runtimeoptions.v1.Options";

    public static Optional<RuntimeOptions> fromAnyBytes(byte[] bytes) {
        if (bytes.length == 0) {
            return Optional.empty();
        }
        try {
            return fromAny(Any.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new ShimException(ShimException.Kind.INVALID_ARGUMENT,
                    "runtime options are not a protobuf Any", e);
        }
    }

    /** Decodes an Any of runtimeoptions.v1.Options; other option types are ignored (runc's options, say). */
    public static Optional<RuntimeOptions> fromAny(Any any) {
        String url = any.getTypeUrl();
        if (url.isEmpty() && any.getValue().isEmpty()) {
            return Optional.empty();
        }
        if (!url.equals(TYPE) && !url.endsWith("/" + TYPE)) {
            return Optional.empty();
        }
        try {
            CodedInputStream in = any.getValue().newCodedInput();
            String typeUrl = "";
            String configPath = "";
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    break;
                }
                int field = WireFormat.getTagFieldNumber(tag);
                if (field == 1 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    typeUrl = in.readStringRequireUtf8();
                } else if (field == 2 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    configPath = in.readStringRequireUtf8();
                } else if (!in.skipField(tag)) {
                    break;
                }
            }
            return Optional.of(new RuntimeOptions(typeUrl, configPath));
        } catch (IOException e) {
            throw new ShimException(ShimException.Kind.INVALID_ARGUMENT,
                    "malformed " + TYPE + " in runtime options", e);
        }
    }
}
