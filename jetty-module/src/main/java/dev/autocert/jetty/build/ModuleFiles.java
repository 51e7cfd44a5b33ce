package dev.autocert.jetty.build;

import dev.autocert.config.Adapter;
import dev.autocert.config.Setting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes the module's jetty-base files from their templates, with one {@code jetty.autocert.<name>} property
 * per setting Jetty reads ({@link Setting#readBy}): the {@code <Entry>}s of {@code etc/autocert.xml} and the
 * documented lines of the {@code [ini-template]} in {@code modules/autocert.mod}. Run by the build
 * ({@code process-classes}), so a new setting reaches Jetty's files without anyone editing them; not part
 * of the JAR.
 */
public final class ModuleFiles {

    /** The template line of {@code etc/autocert.xml} replaced by the settings' map entries. */
    public static final String XML_MARKER = "<!-- @settings -->";
    /** The template line of {@code modules/autocert.mod} replaced by the settings' documented properties. */
    public static final String INI_MARKER = "## @settings";
    /** The prefix of the module's properties. */
    public static final String PREFIX = "jetty.autocert.";

    private static final int WIDTH = 100;

    private ModuleFiles() {
    }

    /**
     * @param args the template folder ({@code src/main/jetty-base}) and the folder to write ({@code target/jetty-base})
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ModuleFiles <template folder> <output folder>");
        }
        Path templates = Path.of(args[0]);
        Path output = Path.of(args[1]);
        try (Stream<Path> files = Files.walk(templates)) {
            for (Path template : files.filter(Files::isRegularFile).toList()) {
                Path target = output.resolve(templates.relativize(template).toString());
                Files.createDirectories(Objects.requireNonNull(target.toAbsolutePath().getParent(), "under output"));
                Files.writeString(target, render(Files.readString(template)));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * @param template a template file's text
     * @return the text with each marker line replaced by the settings, indented like the marker
     */
    public static String render(String template) {
        return template.lines().map(line -> {
            String indent = line.substring(0, line.length() - line.stripLeading().length());
            return switch (line.strip()) {
                case XML_MARKER -> xmlEntries(indent);
                case INI_MARKER -> iniLines();
                default -> line;
            };
        }).collect(Collectors.joining("\n", "", "\n"));
    }

    /**
     * @return one map entry per setting; relative paths are resolved against {@code jetty.base} by
     *         {@code JettyAutocert.installInBase}, which knows a {@code jdbc:} URL from a path (XML's
     *         {@code resolvePath} would turn one into a file name)
     */
    static String xmlEntries(String indent) {
        List<String> lines = new ArrayList<>();
        for (Setting s : Setting.readBy(Adapter.JETTY)) {
            lines.add(indent + "<Entry><Item>" + s.key() + "</Item><Item><Property name=\"" + PREFIX + s.key() + "\"/></Item></Entry>");
        }
        return String.join("\n", lines);
    }

    /** @return per setting: its doc as {@code ##} lines, then the property commented out with its default or an example */
    static String iniLines() {
        List<String> lines = new ArrayList<>();
        for (Setting s : Setting.readBy(Adapter.JETTY)) {
            lines.add("");
            String doc = s.doc() + (s.namesPath() ? " Relative paths are resolved against $JETTY_BASE." : "");
            lines.addAll(wrap(doc, "## "));
            lines.add("# " + PREFIX + s.key() + "=" + s.example());
        }
        return String.join("\n", lines);
    }

    private static List<String> wrap(String text, String prefix) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(prefix);
        for (String word : text.split(" ")) {
            if (line.length() > prefix.length() && line.length() + 1 + word.length() > WIDTH) {
                lines.add(line.toString());
                line = new StringBuilder(prefix);
            }
            line.append(line.length() > prefix.length() ? " " : "").append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
