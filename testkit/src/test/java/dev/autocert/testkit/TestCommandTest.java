package dev.autocert.testkit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's test command must work on a fresh machine: it is one script that installs every package the
 * harness needs, and CI runs exactly that script.
 */
class TestCommandTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    /** The second command of the README's first code block. */
    private static String readmeTestCommand() throws IOException {
        String readme = Files.readString(REPO.resolve("README.md"));
        Matcher block = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(block.find(), "README.md has no bash block");
        List<String> lines = block.group(1).lines().map(l -> l.replaceAll("\\s+#.*$", "").trim()).toList();
        assertEquals(2, lines.size(), "README.md starts with two commands: demo, tests");
        return lines.get(1);
    }

    @Test
    void readmeTestCommandIsTheScriptThatCiRuns() throws IOException {
        String command = readmeTestCommand();
        assertEquals("scripts/test.sh", command, "the README's test command installs what it needs by itself");
        List<String> ci = Files.readAllLines(REPO.resolve(".ci/run")).stream()
                .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals(command, ci.get(ci.size() - 1), ".ci/run ends with the README's test command");
        assertTrue(Files.isExecutable(REPO.resolve(command)), command + " is executable");
    }

    @Test
    void testScriptInstallsEveryPackageTheHarnessAsksFor() throws IOException {
        String script = Files.readString(REPO.resolve("scripts/test.sh"));
        for (String pkg : Bind.PACKAGES.split(" ")) {
            assertTrue(script.matches("(?s).*missing\\+=\\(" + Pattern.quote(pkg) + "\\).*"),
                    "scripts/test.sh installs " + pkg + " when it is missing");
        }
        for (String pkg : List.of("openssl", "openjdk-17-jdk-headless", Postgres.PACKAGES, "libssl-dev")) {
            assertTrue(script.contains("missing+=(" + pkg + ")"), "scripts/test.sh installs " + pkg);
        }
        assertTrue(script.contains("scripts/fetch-pebble.sh"), "scripts/test.sh fetches Pebble");
        assertTrue(script.contains("./mvnw -B -ntp verify"), "scripts/test.sh runs the whole suite");
    }
}
