package dev.jkata.agent.spec;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jkata.agent.AgentException;
import dev.jkata.proto.agent.LinuxCapabilities;
import dev.jkata.proto.agent.POSIXRlimit;
import dev.jkata.proto.agent.Process;
import dev.jkata.proto.agent.User;

import java.io.IOException;
import java.util.List;

/** Writes the OCI "process" object (also the whole process.json of an exec). */
final class ProcessJson {

    private ProcessJson() {
    }

    static void validate(Process p, String what) {
        if (p.getArgsCount() == 0 || p.getArgs(0).isEmpty()) {
            throw AgentException.invalid(what + ": process.args must name a program, got " + p.getArgsList());
        }
        if (!p.getCwd().isEmpty() && !p.getCwd().startsWith("/")) {
            throw AgentException.invalid(what + ": process.cwd must be absolute, got '" + p.getCwd() + "'");
        }
    }

    static void write(JsonGenerator g, Process p) throws IOException {
        g.writeStartObject();
        g.writeBooleanField("terminal", p.getTerminal());
        if (p.getTerminal() && p.hasConsoleSize() && p.getConsoleSize().getHeight() > 0) {
            g.writeObjectFieldStart("consoleSize");
            g.writeNumberField("height", p.getConsoleSize().getHeight());
            g.writeNumberField("width", p.getConsoleSize().getWidth());
            g.writeEndObject();
        }
        User u = p.getUser();
        g.writeObjectFieldStart("user");
        g.writeNumberField("uid", Integer.toUnsignedLong(u.getUID()));
        g.writeNumberField("gid", Integer.toUnsignedLong(u.getGID()));
        if (u.getAdditionalGidsCount() > 0) {
            g.writeArrayFieldStart("additionalGids");
            for (int gid : u.getAdditionalGidsList()) {
                g.writeNumber(Integer.toUnsignedLong(gid));
            }
            g.writeEndArray();
        }
        g.writeEndObject();
        strings(g, "args", p.getArgsList());
        strings(g, "env", p.getEnvList().isEmpty()
                ? List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") : p.getEnvList());
        g.writeStringField("cwd", p.getCwd().isEmpty() ? "/" : p.getCwd());
        if (p.hasCapabilities()) {
            LinuxCapabilities c = p.getCapabilities();
            g.writeObjectFieldStart("capabilities");
            strings(g, "bounding", c.getBoundingList());
            strings(g, "effective", c.getEffectiveList());
            strings(g, "inheritable", c.getInheritableList());
            strings(g, "permitted", c.getPermittedList());
            strings(g, "ambient", c.getAmbientList());
            g.writeEndObject();
        }
        if (p.getRlimitsCount() > 0) {
            g.writeArrayFieldStart("rlimits");
            for (POSIXRlimit r : p.getRlimitsList()) {
                g.writeStartObject();
                g.writeStringField("type", r.getType());
                g.writeNumberField("hard", new java.math.BigInteger(Long.toUnsignedString(r.getHard())));
                g.writeNumberField("soft", new java.math.BigInteger(Long.toUnsignedString(r.getSoft())));
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeBooleanField("noNewPrivileges", p.getNoNewPrivileges());
        if (p.getOOMScoreAdj() != 0) {
            g.writeNumberField("oomScoreAdj", p.getOOMScoreAdj());
        }
        // apparmor and selinux labels are host-only: the guest has neither
        g.writeEndObject();
    }

    static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
