package dev.jkata.runtime.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jkata.proto.agent.Box;
import dev.jkata.proto.agent.Hook;
import dev.jkata.proto.agent.Hooks;
import dev.jkata.proto.agent.LinuxCapabilities;
import dev.jkata.proto.agent.Mount;
import dev.jkata.proto.agent.POSIXRlimit;
import dev.jkata.proto.agent.Root;
import dev.jkata.proto.agent.Spec;
import dev.jkata.proto.agent.User;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses an OCI runtime-spec config.json (JSON names as in the runtime spec) into the agent API's
 * {@code grpc.Spec}. Type errors name the file and the JSON path; syntax errors the line and column.
 */
public final class SpecParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SpecParser() {
    }

    /** Parses {@code text}, naming {@code file} in errors. */
    public static Spec parse(Path file, byte[] text) throws OciException {
        return spec(readObject(file, text, "an OCI runtime spec"));
    }

    /** Reads {@code text} as one JSON object; errors name the file, line and column. */
    static Json readObject(Path file, byte[] text, String what) throws OciException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new OciException(file + ": malformed JSON"
                    + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr())
                    + ": " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new OciException(file + ": " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new OciException(file + ": empty file, expected a JSON object with " + what);
        }
        if (!root.isObject()) {
            throw new OciException(file + ": expected a JSON object with " + what + ", got "
                    + root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        return new Json(file, "", root);
    }

    static Spec spec(Json json) throws OciException {
        Spec.Builder spec = Spec.newBuilder()
                .setVersion(json.string("ociVersion"))
                .setHostname(json.string("hostname"))
                .putAllAnnotations(json.stringMap("annotations"));
        json.ifObject("process", p -> spec.setProcess(process(p)));
        json.ifObject("root", r -> spec.setRoot(Root.newBuilder()
                .setPath(r.string("path")).setReadonly(r.bool("readonly"))));
        for (Json m : json.objects("mounts")) {
            spec.addMounts(Mount.newBuilder()
                    .setDestination(m.string("destination"))
                    .setSource(m.string("source"))
                    .setType(m.string("type"))
                    .addAllOptions(m.strings("options")));
        }
        json.ifObject("hooks", h -> spec.setHooks(hooks(h)));
        json.ifObject("linux", l -> spec.setLinux(LinuxParser.linux(l)));
        return spec.build();
    }

    /** Parses one OCI {@code process} object (also the process.json of an exec). */
    public static dev.jkata.proto.agent.Process process(Path file, byte[] text) throws OciException {
        return process(readObject(file, text, "an OCI process"));
    }

    static dev.jkata.proto.agent.Process process(Json json) throws OciException {
        var process = dev.jkata.proto.agent.Process.newBuilder()
                .setTerminal(json.bool("terminal"))
                .addAllArgs(json.strings("args"))
                .addAllEnv(json.strings("env"))
                .setCwd(json.string("cwd"))
                .setNoNewPrivileges(json.bool("noNewPrivileges"))
                .setApparmorProfile(json.string("apparmorProfile"))
                .setOOMScoreAdj(json.int64("oomScoreAdj"))
                .setSelinuxLabel(json.string("selinuxLabel"));
        json.ifObject("consoleSize", b -> process.setConsoleSize(Box.newBuilder()
                .setHeight(b.uint32("height")).setWidth(b.uint32("width"))));
        Json user = json.object("user");
        process.setUser(user == null ? User.getDefaultInstance() : User.newBuilder()
                .setUID(user.uint32("uid"))
                .setGID(user.uint32("gid"))
                .addAllAdditionalGids(user.uint32s("additionalGids"))
                .setUsername(user.string("username"))
                .build());
        json.ifObject("capabilities", c -> process.setCapabilities(LinuxCapabilities.newBuilder()
                .addAllBounding(c.strings("bounding"))
                .addAllEffective(c.strings("effective"))
                .addAllInheritable(c.strings("inheritable"))
                .addAllPermitted(c.strings("permitted"))
                .addAllAmbient(c.strings("ambient"))));
        for (Json r : json.objects("rlimits")) {
            process.addRlimits(POSIXRlimit.newBuilder()
                    .setType(r.string("type")).setHard(r.uint64("hard")).setSoft(r.uint64("soft")));
        }
        return process.build();
    }

    private static Hooks hooks(Json json) throws OciException {
        return Hooks.newBuilder()
                .addAllPrestart(hookList(json, "prestart"))
                .addAllPoststart(hookList(json, "poststart"))
                .addAllPoststop(hookList(json, "poststop"))
                .addAllCreateRuntime(hookList(json, "createRuntime"))
                .addAllCreateContainer(hookList(json, "createContainer"))
                .addAllStartContainer(hookList(json, "startContainer"))
                .build();
    }

    private static List<Hook> hookList(Json json, String name) throws OciException {
        List<Hook> out = new ArrayList<>();
        for (Json h : json.objects(name)) {
            out.add(Hook.newBuilder().setPath(h.string("path")).addAllArgs(h.strings("args"))
                    .addAllEnv(h.strings("env")).setTimeout(h.int64("timeout")).build());
        }
        return out;
    }
}
