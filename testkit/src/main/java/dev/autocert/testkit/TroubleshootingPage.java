package dev.autocert.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The project's {@code docs/troubleshooting.md}, read from the working tree, so tests can hold the code's
 * named problems and the page together: every problem's anchor must be a heading of the page (as GitHub
 * makes anchors from headings), and that heading's section must name the problem.
 */
public final class TroubleshootingPage {

    /** The page, relative to the project's root. */
    public static final String FILE = "docs/troubleshooting.md";

    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.+?)\\s*#*\\s*$");

    private final Map<String, String> sections;

    private TroubleshootingPage(Map<String, String> sections) {
        this.sections = sections;
    }

    /** @return the page of the project the test runs in (found from the working folder upwards) */
    public static TroubleshootingPage read() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve(FILE);
            if (Files.isRegularFile(file)) {
                try {
                    return parse(Files.readString(file));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException(FILE + " not found above " + Path.of("").toAbsolutePath());
    }

    /**
     * @param markdown the page's text
     * @return its sections by anchor; a section runs from its heading to the next heading of the same or a higher level
     */
    static TroubleshootingPage parse(String markdown) {
        record Heading(int level, String anchor, int line) {
        }
        List<String> lines = markdown.lines().toList();
        List<Heading> headings = new ArrayList<>();
        boolean code = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("```")) {
                code = !code;
            }
            Matcher m = HEADING.matcher(line);
            if (!code && m.matches()) {
                headings.add(new Heading(m.group(1).length(), anchor(m.group(2)), i));
            }
        }
        Map<String, String> sections = new LinkedHashMap<>();
        for (int h = 0; h < headings.size(); h++) {
            Heading heading = headings.get(h);
            int end = lines.size();
            for (int next = h + 1; next < headings.size(); next++) {
                if (headings.get(next).level() <= heading.level()) {
                    end = headings.get(next).line();
                    break;
                }
            }
            if (sections.putIfAbsent(heading.anchor(), String.join("\n", lines.subList(heading.line(), end))) != null) {
                throw new IllegalStateException(FILE + " has two headings with the anchor #" + heading.anchor());
            }
        }
        return new TroubleshootingPage(sections);
    }

    /**
     * @param heading a heading's text
     * @return its anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens
     */
    static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    /**
     * @param anchor a heading's anchor
     * @return the section under that heading, heading included, or {@code null}
     */
    public String section(String anchor) {
        return sections.get(anchor);
    }

    /**
     * Asserts that a named problem is explained: its anchor is well-formed and a heading of the page, and the
     * section under it names the problem as {@code `NAME`} and shows its log line ending with the anchor.
     *
     * @param name   the problem's name as logs, JMX and the status JSON show it, e.g. {@code DNS_POINTS_ELSEWHERE}
     * @param anchor the anchor the code gives it, e.g. {@code dns-elsewhere}
     */
    public void assertExplains(String name, String anchor) {
        assertTrue(anchor != null && anchor.matches("[a-z0-9]+(-[a-z0-9]+)*"), name + " has a short anchor: " + anchor);
        String section = section(anchor);
        if (section == null) {
            fail(FILE + " has no heading for #" + anchor + " (" + name + "); its anchors: " + sections.keySet());
        }
        assertTrue(section.contains("`" + name + "`"), FILE + "#" + anchor + " names `" + name + "`");
        assertTrue(section.contains("see " + FILE + "#" + anchor + ")"), FILE + "#" + anchor + " quotes a log line ending with its anchor");
    }

    /**
     * Asserts that no two problems share an anchor.
     *
     * @param anchorsByName every problem's anchor, by the problem's name
     */
    public static void assertDistinct(Map<String, String> anchorsByName) {
        assertEquals(anchorsByName.size(), anchorsByName.values().stream().distinct().count(),
                "every problem has its own anchor: " + anchorsByName);
    }
}
