package dev.autocert.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds an installed JDK of a given feature release (25, say) to run a server distribution on, without knowing its
 * folder: {@code JAVA<n>_HOME} when set, else every JDK installed beside the one running the tests (the folder
 * that holds {@code java.home}, and the one above it), recognised by the {@code JAVA_VERSION} of its
 * {@code release} file.
 */
public final class Jdks {

    private static final Pattern VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private Jdks() {
    }

    /**
     * @param feature the feature release, e.g. {@code 25}
     * @return the home of an installed JDK of that release
     * @throws IllegalStateException naming where it searched and how to point at one
     */
    public static Path home(int feature) {
        Set<Path> searched = new LinkedHashSet<>();
        return find(feature, searched).orElseThrow(() -> new IllegalStateException("no Java " + feature
                + " JDK installed (searched " + searched + "): install one beside this JDK, or set JAVA" + feature
                + "_HOME to its folder"));
    }

    /**
     * @param feature the feature release
     * @return whether a JDK of that release is installed
     */
    public static boolean installed(int feature) {
        return find(feature, new LinkedHashSet<>()).isPresent();
    }

    private static Optional<Path> find(int feature, Set<Path> searched) {
        String env = System.getenv("JAVA" + feature + "_HOME");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env)).filter(h -> feature(h) == feature);
        }
        Path current = Path.of(System.getProperty("java.home")).toAbsolutePath();
        List<Path> folders = new ArrayList<>();
        for (Path p = current.getParent(); p != null && folders.size() < 2; p = p.getParent()) {
            folders.add(p); // .../jvm/<jdk> (java.home) or .../jvm/<jdk>/jre (old layouts)
        }
        for (Path folder : folders) {
            searched.add(folder);
            try (Stream<Path> homes = Files.list(folder)) {
                Optional<Path> found = homes.filter(h -> feature(h) == feature).sorted().findFirst();
                if (found.isPresent()) {
                    return found;
                }
            } catch (IOException | UncheckedIOException e) {
                // an unreadable folder holds no JDK we could run
            }
        }
        return Optional.empty();
    }

    /** @return the feature release of the JDK at {@code home}, or -1 when it is none (or has no {@code bin/java}) */
    static int feature(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release) || !Files.isExecutable(home.resolve("bin").resolve("java"))) {
            return -1;
        }
        try {
            Matcher m = VERSION.matcher(Files.readString(release));
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
