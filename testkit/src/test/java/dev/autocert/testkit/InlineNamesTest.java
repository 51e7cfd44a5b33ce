package dev.autocert.testkit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No fully-qualified class name inside code: a type is imported and written by its simple name, unless that
 * name is taken in the file (another import, a type of the file or of its package). Comments and string
 * literals may name classes in full. The formatter (Spotless) keeps imports in order; this is the part of the
 * style it does not check.
 */
class InlineNamesTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    /** A qualified name: lower-case package segments (and dnsjava's {@code org.xbill.DNS}), then a class. */
    private static final Pattern QUALIFIED = Pattern.compile(
            "(?<![\\w.\"@])((?:java|javax|jakarta|org|com|dev)\\.(?:[a-z_][a-z0-9_]*\\.|DNS\\.)+)([A-Z]\\w*)");
    private static final Pattern IMPORT = Pattern.compile("^import (?!static)([\\w.]+)\\.(\\w+);", Pattern.MULTILINE);
    private static final Pattern DECLARED = Pattern.compile("\\b(?:class|interface|record|enum)\\s+(\\w+)");
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);

    @Test
    void everyTypeIsWrittenByItsSimpleNameWhereThatNameIsFree() throws IOException {
        List<String> found = new ArrayList<>();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(REPO)) {
            sources = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/") && !p.toString().contains("/target/"))
                    .filter(p -> !REPO.relativize(p).startsWith(".")).toList();
        }
        assertTrue(sources.size() > 100, "the project's sources, found " + sources.size());
        for (Path file : sources) {
            found.addAll(inlineNames(file));
        }
        assertEquals(List.of(), found, "fully-qualified names in code; import them instead");
    }

    @Test
    void theCheckSeesAQualifiedNameAndSparesCommentsStringsAndTakenNames() {
        String source = """
                package a.b;

                import java.util.List;
                import org.x.List2;

                /** {@link java.util.Map} in a comment. */
                class C {
                    String s = "java.util.Set in a string";
                    java.util.Optional<String> o;   // the finding
                    java.awt.List taken;            // List is imported from java.util
                }
                """;
        assertEquals(List.of("C.java:9: java.util.Optional"), inlineNames(Path.of("C.java"), source, Set.of()));
    }

    private static List<String> inlineNames(Path file) throws IOException {
        Set<String> samePackage = new HashSet<>();
        try (Stream<Path> siblings = Files.list(file.getParent())) {
            siblings.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java"))
                    .forEach(n -> samePackage.add(n.substring(0, n.length() - 5)));
        }
        return inlineNames(REPO.relativize(file), Files.readString(file), samePackage);
    }

    static List<String> inlineNames(Path name, String source, Set<String> samePackage) {
        Map<String, String> imported = new HashMap<>();
        Matcher i = IMPORT.matcher(source);
        while (i.find()) {
            imported.put(i.group(2), i.group(1) + "." + i.group(2));
        }
        String code = withoutCommentsAndLiterals(source);
        Set<String> declared = new HashSet<>();
        Matcher d = DECLARED.matcher(code);
        while (d.find()) {
            declared.add(d.group(1));
        }
        Matcher p = PACKAGE.matcher(source);
        String pkg = p.find() ? p.group(1) : "";
        List<String> out = new ArrayList<>();
        String[] lines = code.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            if (lines[n].startsWith("import ") || lines[n].startsWith("package ")) {
                continue;
            }
            Matcher q = QUALIFIED.matcher(lines[n]);
            while (q.find()) {
                String owner = q.group(1).substring(0, q.group(1).length() - 1);
                String simple = q.group(2);
                String full = owner + "." + simple;
                boolean taken = imported.containsKey(simple) && !imported.get(simple).equals(full)
                        || declared.contains(simple) || samePackage.contains(simple) && !owner.equals(pkg);
                if (!taken) {
                    out.add(name + ":" + (n + 1) + ": " + full);
                }
            }
        }
        return out;
    }

    /** The source with comments, strings, text blocks and char literals blanked, line breaks kept. */
    private static String withoutCommentsAndLiterals(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            int end;
            if (s.startsWith("//", i)) {
                end = s.indexOf('\n', i);
                end = end < 0 ? s.length() : end;
            } else if (s.startsWith("/*", i)) {
                end = s.indexOf("*/", i + 2);
                end = end < 0 ? s.length() : end + 2;
            } else if (s.startsWith("\"\"\"", i)) {
                end = s.indexOf("\"\"\"", i + 3);
                end = end < 0 ? s.length() : end + 3;
            } else if (s.charAt(i) == '"' || s.charAt(i) == '\'') {
                char quote = s.charAt(i);
                end = i + 1;
                while (end < s.length() && s.charAt(end) != quote) {
                    end += s.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(end + 1, s.length());
            } else {
                out.append(s.charAt(i++));
                continue;
            }
            for (int k = i; k < end; k++) {
                out.append(s.charAt(k) == '\n' ? '\n' : ' ');
            }
            i = end;
        }
        return out.toString();
    }
}
