package dev.jkata.agent.spec;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jkata.proto.agent.LinuxSeccomp;
import dev.jkata.proto.agent.LinuxSeccompArg;
import dev.jkata.proto.agent.LinuxSyscall;

import java.io.IOException;
import java.math.BigInteger;

/** Writes the OCI "linux.seccomp" object. */
final class SeccompJson {

    private SeccompJson() {
    }

    static void write(JsonGenerator g, LinuxSeccomp s) throws IOException {
        g.writeObjectFieldStart("seccomp");
        g.writeStringField("defaultAction", s.getDefaultAction());
        ProcessJson.strings(g, "architectures", s.getArchitecturesList());
        if (s.getFlagsCount() > 0) {
            ProcessJson.strings(g, "flags", s.getFlagsList());
        }
        g.writeArrayFieldStart("syscalls");
        for (LinuxSyscall sc : s.getSyscallsList()) {
            g.writeStartObject();
            ProcessJson.strings(g, "names", sc.getNamesList());
            g.writeStringField("action", sc.getAction());
            if (sc.hasErrnoret()) {
                g.writeNumberField("errnoRet", Integer.toUnsignedLong(sc.getErrnoret()));
            }
            if (sc.getArgsCount() > 0) {
                g.writeArrayFieldStart("args");
                for (LinuxSeccompArg a : sc.getArgsList()) {
                    g.writeStartObject();
                    g.writeNumberField("index", a.getIndex());
                    g.writeNumberField("value", new BigInteger(Long.toUnsignedString(a.getValue())));
                    if (a.getValueTwo() != 0) {
                        g.writeNumberField("valueTwo", new BigInteger(Long.toUnsignedString(a.getValueTwo())));
                    }
                    g.writeStringField("op", a.getOp());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
