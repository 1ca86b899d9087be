package dev.jkata.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {
    @Test
    void parsesCommandLinesSkippingBlankAndComments() {
        List<String[]> lines = TrainingRun.parse("# verbs\n\n  state  abc \nkill abc SIGCONT\n");
        assertEquals(2, lines.size());
        assertArrayEquals(new String[] {"state", "abc"}, lines.get(0));
        assertArrayEquals(new String[] {"kill", "abc", "SIGCONT"}, lines.get(1));
    }

    @Test
    void runsEveryLineAndReportsEachStatus(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("train.txt");
        Files.writeString(script, "nosuchverb\nalsonot x\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = TrainingRun.run(script, () -> new Cli(new FakeHost(), new LoaderConfigSource()), System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc);
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("training: kata-runtime nosuchverb -> "), text);
        assertTrue(text.contains("training: kata-runtime alsonot x -> "), text);
    }

    @Test
    void unreadableScriptIsAFailureNamingIt(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = TrainingRun.run(dir.resolve("missing"), () -> { throw new AssertionError("no cli expected"); },
                System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(CliException.FAILURE, rc);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("missing"));
    }
}
