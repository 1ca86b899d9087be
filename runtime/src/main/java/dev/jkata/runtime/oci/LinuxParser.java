package dev.jkata.runtime.oci;

import dev.jkata.proto.agent.Linux;
import dev.jkata.proto.agent.LinuxBlockIO;
import dev.jkata.proto.agent.LinuxCPU;
import dev.jkata.proto.agent.LinuxDevice;
import dev.jkata.proto.agent.LinuxDeviceCgroup;
import dev.jkata.proto.agent.LinuxHugepageLimit;
import dev.jkata.proto.agent.LinuxIDMapping;
import dev.jkata.proto.agent.LinuxInterfacePriority;
import dev.jkata.proto.agent.LinuxIntelRdt;
import dev.jkata.proto.agent.LinuxMemory;
import dev.jkata.proto.agent.LinuxNamespace;
import dev.jkata.proto.agent.LinuxNetwork;
import dev.jkata.proto.agent.LinuxPids;
import dev.jkata.proto.agent.LinuxResources;
import dev.jkata.proto.agent.LinuxSeccomp;
import dev.jkata.proto.agent.LinuxSeccompArg;
import dev.jkata.proto.agent.LinuxSyscall;
import dev.jkata.proto.agent.LinuxThrottleDevice;
import dev.jkata.proto.agent.LinuxWeightDevice;
import java.util.ArrayList;
import java.util.List;

/** The {@code linux} part of an OCI spec, and {@code LinuxResources} (also used by update). */
public final class LinuxParser {

    private LinuxParser() {
    }

    static Linux linux(Json json) throws OciException {
        Linux.Builder linux = Linux.newBuilder()
                .putAllSysctl(json.stringMap("sysctl"))
                .setCgroupsPath(json.string("cgroupsPath"))
                .setRootfsPropagation(json.string("rootfsPropagation"))
                .addAllMaskedPaths(json.strings("maskedPaths"))
                .addAllReadonlyPaths(json.strings("readonlyPaths"))
                .setMountLabel(json.string("mountLabel"));
        linux.addAllUIDMappings(idMappings(json, "uidMappings"));
        linux.addAllGIDMappings(idMappings(json, "gidMappings"));
        json.ifObject("resources", r -> linux.setResources(resources(r)));
        for (Json ns : json.objects("namespaces")) {
            linux.addNamespaces(LinuxNamespace.newBuilder().setType(ns.string("type")).setPath(ns.string("path")));
        }
        for (Json d : json.objects("devices")) {
            linux.addDevices(LinuxDevice.newBuilder()
                    .setPath(d.string("path")).setType(d.string("type"))
                    .setMajor(d.int64("major")).setMinor(d.int64("minor"))
                    .setFileMode(d.uint32("fileMode")).setUID(d.uint32("uid")).setGID(d.uint32("gid")));
        }
        json.ifObject("seccomp", s -> linux.setSeccomp(seccomp(s)));
        json.ifObject("intelRdt", r -> linux.setIntelRdt(LinuxIntelRdt.newBuilder()
                .setL3CacheSchema(r.string("l3CacheSchema"))));
        return linux.build();
    }

    /** Parses an OCI {@code LinuxResources} JSON object (the spec's {@code linux.resources}). */
    public static LinuxResources resources(java.nio.file.Path file, byte[] text) throws OciException {
        return resources(SpecParser.readObject(file, text, "OCI Linux resources"));
    }

    static LinuxResources resources(Json json) throws OciException {
        LinuxResources.Builder res = LinuxResources.newBuilder();
        for (Json d : json.objects("devices")) {
            res.addDevices(LinuxDeviceCgroup.newBuilder()
                    .setAllow(d.bool("allow")).setType(d.string("type"))
                    .setMajor(d.has("major") ? d.int64("major") : -1)
                    .setMinor(d.has("minor") ? d.int64("minor") : -1)
                    .setAccess(d.string("access")));
        }
        json.ifObject("memory", m -> res.setMemory(LinuxMemory.newBuilder()
                .setLimit(m.int64("limit")).setReservation(m.int64("reservation"))
                .setSwap(m.int64("swap")).setKernel(m.int64("kernel")).setKernelTCP(m.int64("kernelTCP"))
                .setSwappiness(m.uint64("swappiness")).setDisableOOMKiller(m.bool("disableOOMKiller"))));
        json.ifObject("cpu", c -> res.setCPU(LinuxCPU.newBuilder()
                .setShares(c.uint64("shares")).setQuota(c.int64("quota")).setPeriod(c.uint64("period"))
                .setRealtimeRuntime(c.int64("realtimeRuntime")).setRealtimePeriod(c.uint64("realtimePeriod"))
                .setCpus(c.string("cpus")).setMems(c.string("mems"))));
        json.ifObject("pids", p -> res.setPids(LinuxPids.newBuilder().setLimit(p.int64("limit"))));
        json.ifObject("blockIO", b -> res.setBlockIO(blockIo(b)));
        for (Json h : json.objects("hugepageLimits")) {
            res.addHugepageLimits(LinuxHugepageLimit.newBuilder()
                    .setPagesize(h.string("pageSize")).setLimit(h.uint64("limit")));
        }
        json.ifObject("network", n -> {
            LinuxNetwork.Builder net = LinuxNetwork.newBuilder().setClassID(n.uint32("classID"));
            for (Json p : n.objects("priorities")) {
                net.addPriorities(LinuxInterfacePriority.newBuilder()
                        .setName(p.string("name")).setPriority(p.uint32("priority")));
            }
            res.setNetwork(net);
        });
        return res.build();
    }

    private static LinuxBlockIO blockIo(Json json) throws OciException {
        LinuxBlockIO.Builder b = LinuxBlockIO.newBuilder()
                .setWeight(json.uint32("weight")).setLeafWeight(json.uint32("leafWeight"));
        for (Json w : json.objects("weightDevice")) {
            b.addWeightDevice(LinuxWeightDevice.newBuilder().setMajor(w.int64("major")).setMinor(w.int64("minor"))
                    .setWeight(w.uint32("weight")).setLeafWeight(w.uint32("leafWeight")));
        }
        b.addAllThrottleReadBpsDevice(throttle(json, "throttleReadBpsDevice"));
        b.addAllThrottleWriteBpsDevice(throttle(json, "throttleWriteBpsDevice"));
        b.addAllThrottleReadIOPSDevice(throttle(json, "throttleReadIOPSDevice"));
        b.addAllThrottleWriteIOPSDevice(throttle(json, "throttleWriteIOPSDevice"));
        return b.build();
    }

    private static List<LinuxThrottleDevice> throttle(Json json, String name) throws OciException {
        List<LinuxThrottleDevice> out = new ArrayList<>();
        for (Json t : json.objects(name)) {
            out.add(LinuxThrottleDevice.newBuilder().setMajor(t.int64("major")).setMinor(t.int64("minor"))
                    .setRate(t.uint64("rate")).build());
        }
        return out;
    }

    private static List<LinuxIDMapping> idMappings(Json json, String name) throws OciException {
        List<LinuxIDMapping> out = new ArrayList<>();
        for (Json m : json.objects(name)) {
            out.add(LinuxIDMapping.newBuilder().setContainerID(m.uint32("containerID"))
                    .setHostID(m.uint32("hostID")).setSize(m.uint32("size")).build());
        }
        return out;
    }

    private static LinuxSeccomp seccomp(Json json) throws OciException {
        LinuxSeccomp.Builder s = LinuxSeccomp.newBuilder()
                .setDefaultAction(json.string("defaultAction"))
                .addAllArchitectures(json.strings("architectures"))
                .addAllFlags(json.strings("flags"));
        for (Json sc : json.objects("syscalls")) {
            LinuxSyscall.Builder call = LinuxSyscall.newBuilder()
                    .addAllNames(sc.strings("names")).setAction(sc.string("action"));
            if (sc.has("errnoRet")) {
                call.setErrnoret(sc.uint32("errnoRet"));
            }
            for (Json a : sc.objects("args")) {
                call.addArgs(LinuxSeccompArg.newBuilder().setIndex(a.uint64("index")).setValue(a.uint64("value"))
                        .setValueTwo(a.uint64("valueTwo")).setOp(a.string("op")));
            }
            s.addSyscalls(call);
        }
        return s.build();
    }
}
