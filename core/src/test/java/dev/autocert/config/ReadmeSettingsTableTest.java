package dev.autocert.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's settings table names every {@link Setting} once, and nothing else. */
class ReadmeSettingsTableTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Pattern NAME = Pattern.compile("`([^`]+)`");

    @Test
    void theTableHasARowForEverySettingAndNoUnknownOne() throws Exception {
        List<String> named = new ArrayList<>();
        for (String firstColumn : firstColumns(Files.readString(README))) {
            Matcher m = NAME.matcher(firstColumn);
            while (m.find()) {
                named.add(m.group(1));
            }
        }
        assertThat(named).as("setting names in the first column of README.md's settings table")
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(Setting.values()).map(Setting::key).toList());
    }

    /** @return the first cell of each body row of the table in section "## Settings" */
    private static List<String> firstColumns(String readme) {
        String section = readme.substring(readme.indexOf("\n## Settings\n"));
        section = section.substring(0, section.indexOf("\n## ", 1) < 0 ? section.length() : section.indexOf("\n## ", 1));
        List<String> cells = new ArrayList<>();
        boolean body = false;
        for (String line : section.lines().toList()) {
            if (line.startsWith("|---")) {
                body = true;
            } else if (body && line.startsWith("| ")) {
                cells.add(line.substring(2, line.indexOf(" |", 1)));
            } else if (body) {
                break; // the table ended
            }
        }
        assertThat(cells).as("rows of the settings table").isNotEmpty();
        return cells;
    }
}
