package dev.jkata.shim.cli;

import com.google.protobuf.Any;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.jkata.shim.ShimException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * {@code -info}: reads the runtime options (a protobuf Any, possibly empty) from stdin and answers a
 * {@code containerd.types.RuntimeInfo}: name = 1, version = 2 (RuntimeVersion: version = 1,
 * revision = 2), options = 3 (echoed), annotations = 5.
 */
public final class RuntimeInfoWriter {
    private RuntimeInfoWriter() {}

    public static byte[] encode(VersionInfo v, byte[] optionsAny) {
        Any options = null;
        if (optionsAny.length > 0) {
            try {
                options = Any.parseFrom(optionsAny);
            } catch (InvalidProtocolBufferException e) {
                throw new ShimException(ShimException.Kind.INVALID_ARGUMENT,
                        "runtime options on stdin are not a protobuf Any", e);
            }
        }
        try {
            ByteArrayOutputStream version = new ByteArrayOutputStream();
            CodedOutputStream vo = CodedOutputStream.newInstance(version);
            vo.writeString(1, v.version());
            vo.writeString(2, v.commit());
            vo.flush();

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeString(1, VersionInfo.RUNTIME_ID);
            out.writeByteArray(2, version.toByteArray());
            if (options != null) {
                out.writeMessage(3, options);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory protobuf encoding failed", e);
        }
    }
}
