package dev.jkata.agent.spec;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jkata.proto.agent.LinuxBlockIO;
import dev.jkata.proto.agent.LinuxCPU;
import dev.jkata.proto.agent.LinuxDeviceCgroup;
import dev.jkata.proto.agent.LinuxHugepageLimit;
import dev.jkata.proto.agent.LinuxMemory;
import dev.jkata.proto.agent.LinuxResources;
import dev.jkata.proto.agent.LinuxThrottleDevice;
import dev.jkata.proto.agent.LinuxWeightDevice;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;

/**
 * Writes the OCI "linux.resources" object. Zero numbers mean "not set" in the agent protocol
 * (proto3 has no presence for them), so they are left out.
 */
final class ResourcesJson {

    private ResourcesJson() {
    }

    static void write(JsonGenerator g, LinuxResources r) throws IOException {
        g.writeStartObject();
        if (r.getDevicesCount() > 0) {
            g.writeArrayFieldStart("devices");
            for (LinuxDeviceCgroup d : r.getDevicesList()) {
                g.writeStartObject();
                g.writeBooleanField("allow", d.getAllow());
                if (!d.getType().isEmpty()) {
                    g.writeStringField("type", d.getType());
                }
                // -1 (or 0 from proto3 defaults with a wildcard type) means "any"
                if (d.getMajor() > 0) {
                    g.writeNumberField("major", d.getMajor());
                }
                if (d.getMinor() > 0) {
                    g.writeNumberField("minor", d.getMinor());
                }
                if (!d.getAccess().isEmpty()) {
                    g.writeStringField("access", d.getAccess());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (r.hasMemory()) {
            LinuxMemory m = r.getMemory();
            g.writeObjectFieldStart("memory");
            nonZero(g, "limit", m.getLimit());
            nonZero(g, "reservation", m.getReservation());
            nonZero(g, "swap", m.getSwap());
            if (m.getSwappiness() > 0 && m.getSwappiness() <= 100) {
                g.writeNumberField("swappiness", m.getSwappiness());
            }
            if (m.getDisableOOMKiller()) {
                g.writeBooleanField("disableOOMKiller", true);
            }
            g.writeEndObject();
        }
        if (r.hasCPU()) {
            LinuxCPU c = r.getCPU();
            g.writeObjectFieldStart("cpu");
            if (c.getShares() != 0) {
                g.writeNumberField("shares", unsigned(c.getShares()));
            }
            nonZero(g, "quota", c.getQuota());
            if (c.getPeriod() != 0) {
                g.writeNumberField("period", unsigned(c.getPeriod()));
            }
            if (!c.getCpus().isEmpty()) {
                g.writeStringField("cpus", c.getCpus());
            }
            if (!c.getMems().isEmpty()) {
                g.writeStringField("mems", c.getMems());
            }
            g.writeEndObject();
        }
        if (r.hasPids() && r.getPids().getLimit() != 0) {
            g.writeObjectFieldStart("pids");
            g.writeNumberField("limit", r.getPids().getLimit());
            g.writeEndObject();
        }
        if (r.hasBlockIO()) {
            LinuxBlockIO b = r.getBlockIO();
            g.writeObjectFieldStart("blockIO");
            if (b.getWeight() != 0) {
                g.writeNumberField("weight", b.getWeight());
            }
            if (b.getWeightDeviceCount() > 0) {
                g.writeArrayFieldStart("weightDevice");
                for (LinuxWeightDevice d : b.getWeightDeviceList()) {
                    g.writeStartObject();
                    g.writeNumberField("major", d.getMajor());
                    g.writeNumberField("minor", d.getMinor());
                    g.writeNumberField("weight", d.getWeight());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            throttle(g, "throttleReadBpsDevice", b.getThrottleReadBpsDeviceList());
            throttle(g, "throttleWriteBpsDevice", b.getThrottleWriteBpsDeviceList());
            throttle(g, "throttleReadIOPSDevice", b.getThrottleReadIOPSDeviceList());
            throttle(g, "throttleWriteIOPSDevice", b.getThrottleWriteIOPSDeviceList());
            g.writeEndObject();
        }
        if (r.getHugepageLimitsCount() > 0) {
            g.writeArrayFieldStart("hugepageLimits");
            for (LinuxHugepageLimit h : r.getHugepageLimitsList()) {
                g.writeStartObject();
                g.writeStringField("pageSize", h.getPagesize());
                g.writeNumberField("limit", unsigned(h.getLimit()));
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void throttle(JsonGenerator g, String name, List<LinuxThrottleDevice> list) throws IOException {
        if (list.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart(name);
        for (LinuxThrottleDevice d : list) {
            g.writeStartObject();
            g.writeNumberField("major", d.getMajor());
            g.writeNumberField("minor", d.getMinor());
            g.writeNumberField("rate", unsigned(d.getRate()));
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void nonZero(JsonGenerator g, String name, long v) throws IOException {
        if (v != 0) {
            g.writeNumberField(name, v);
        }
    }

    private static BigInteger unsigned(long v) {
        return new BigInteger(Long.toUnsignedString(v));
    }
}
