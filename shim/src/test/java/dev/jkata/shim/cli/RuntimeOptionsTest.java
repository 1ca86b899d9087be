package dev.jkata.shim.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.Any;
import dev.jkata.proto.runtimeoptions.Options;
import dev.jkata.shim.ShimException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuntimeOptionsTest {
    @Test
    void decodesConfigPathAsCtrSendsIt() {
        Any any = Any.newBuilder().setTypeUrl("runtimeoptions.v1.Options")
                .setValue(Options.newBuilder().setConfigPath("/etc/kata/c.toml").build().toByteString()).build();
        assertEquals(Optional.of(new RuntimeOptions("", "/etc/kata/c.toml")), RuntimeOptions.fromAnyBytes(any.toByteArray()));
        Any prefixed = any.toBuilder().setTypeUrl("type.googleapis.com/runtimeoptions.v1.Options").build();
        assertEquals("/etc/kata/c.toml", RuntimeOptions.fromAny(prefixed).orElseThrow().configPath());
    }

    @Test
    void emptyOrForeignOptionsAreIgnoredAndGarbageIsAnError() {
        assertTrue(RuntimeOptions.fromAnyBytes(new byte[0]).isEmpty());
        assertTrue(RuntimeOptions.fromAny(Any.newBuilder().setTypeUrl("containerd.runc.v1.Options").build()).isEmpty());
        ShimException e = assertThrows(ShimException.class, () -> RuntimeOptions.fromAnyBytes(new byte[] {(byte) 0xff, 1}));
        assertTrue(e.getMessage().contains("runtime options"));
    }

    @Test
    void infoEchoesOptionsInRuntimeInfo() throws Exception {
        Any any = Any.newBuilder().setTypeUrl("runtimeoptions.v1.Options")
                .setValue(Options.newBuilder().setConfigPath("/c.toml").build().toByteString()).build();
        byte[] info = RuntimeInfoWriter.encode(new VersionInfo("n", "1.2", "abc"), any.toByteArray());
        var in = com.google.protobuf.CodedInputStream.newInstance(info);
        String name = null;
        Any options = null;
        String version = null;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (tag >>> 3) {
                case 1 -> name = in.readString();
                case 2 -> {
                    var v = com.google.protobuf.CodedInputStream.newInstance(in.readByteArray());
                    v.readTag();
                    version = v.readString();
                }
                case 3 -> options = Any.parseFrom(in.readByteArray());
                default -> in.skipField(tag);
            }
        }
        assertEquals("io.containerd.kata.v2", name);
        assertEquals("1.2", version);
        assertEquals(any, options);
    }
}
