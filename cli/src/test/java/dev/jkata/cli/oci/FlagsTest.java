package dev.jkata.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkata.cli.CliException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FlagsTest {

    @Test
    void createFlagsAsConmonAndTheRuncShimPassThem() throws CliException {
        Flags f = Flags.parse("create", List.of("--bundle", "/b", "--pid-file=/p", "--console-socket", "/s",
                "-no-pivot", "--no-new-keyring", "ctr1"), Creation.FLAGS);
        assertEquals(Optional.of("/b"), f.value("bundle"));
        assertEquals(Optional.of("/p"), f.value("pid-file"));
        assertEquals(Optional.of("/s"), f.value("console-socket"));
        assertTrue(f.on("no-pivot"));
        assertTrue(f.on("no-new-keyring"));
        assertEquals("ctr1", f.id("create"));
    }

    @Test
    void shortAliasesAndSwitchValues() throws CliException {
        Flags f = Flags.parse("run", List.of("-b", "/b", "-d=false", "--keep=true", "x"), Creation.FLAGS);
        assertEquals(Optional.of("/b"), f.value("bundle"));
        assertFalse(f.on("detach"));
        assertTrue(f.on("keep"));
    }

    @Test
    void execStopsAtTheIdAndKeepsTheCommandsOwnFlags() throws CliException {
        Flags f = Flags.parse("exec", List.of("-e", "A=1", "--env=B=2", "-t", "--user", "1000:1000", "--cwd", "/tmp",
                "ctr", "ls", "-la", "--color"), ExecCommand.FLAGS);
        assertEquals(List.of("A=1", "B=2"), f.values("env"));
        assertTrue(f.on("tty"));
        assertEquals(Optional.of("1000:1000"), f.value("user"));
        assertEquals(Optional.of("/tmp"), f.value("cwd"));
        assertEquals(List.of("ctr", "ls", "-la", "--color"), f.positional());
        assertEquals("ctr", f.firstId("exec"));
    }

    @Test
    void doubleDashEndsFlags() throws CliException {
        Flags f = Flags.parse("kill", List.of("--all", "--", "-weird-id"), "all|a");
        assertTrue(f.on("all"));
        assertEquals(List.of("-weird-id"), f.positional());
    }

    @Test
    void unknownFlagIsAUsageErrorNamingTheFlagAndTheKnownOnes() {
        CliException e = assertThrows(CliException.class, () -> Flags.parse("delete", List.of("--frce", "x"), "force|f"));
        assertEquals(CliException.USAGE, e.status());
        assertTrue(e.getMessage().contains("--frce"), e.getMessage());
        assertTrue(e.getMessage().contains("--force"), e.getMessage());
    }

    @Test
    void missingValueAndBadSwitchValueAreErrors() {
        assertTrue(assertThrows(CliException.class, () -> Flags.parse("create", List.of("--bundle"), Creation.FLAGS))
                .getMessage().contains("needs a value"));
        assertTrue(assertThrows(CliException.class, () -> Flags.parse("run", List.of("--detach=maybe", "x"),
                Creation.FLAGS)).getMessage().contains("true or false"));
    }

    @Test
    void exactlyOneIdIsRequired() throws CliException {
        assertThrows(CliException.class, () -> Flags.parse("state", List.of()).id("state"));
        CliException e = assertThrows(CliException.class, () -> Flags.parse("state", List.of("a", "b")).id("state"));
        assertTrue(e.getMessage().contains("[a, b]"), e.getMessage());
    }

    @Test
    void numbersAndSizes() throws CliException {
        Flags f = Flags.parse("update", List.of("--pids-limit", "42", "--cpu-quota", "x1", "c"), "pids-limit=",
                "cpu-quota=");
        assertEquals(Optional.of(42L), f.number("update", "pids-limit"));
        assertThrows(CliException.class, () -> f.number("update", "cpu-quota"));
        assertEquals(512L << 20, Queries.bytes("memory", "512m"));
        assertEquals(1L << 30, Queries.bytes("memory", "1G"));
        assertEquals(-1, Queries.bytes("memory", "-1"));
        assertEquals(4096, Queries.bytes("memory", "4096"));
        assertThrows(CliException.class, () -> Queries.bytes("memory", "lots"));
        assertEquals(5000, Queries.duration("5s"));
        assertEquals(250, Queries.duration("250ms"));
        assertThrows(CliException.class, () -> Queries.duration("soon"));
    }
}
