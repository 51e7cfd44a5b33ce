package dev.autocert.tomcat;

import org.jspecify.annotations.Nullable;

import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Arrays;

/**
 * Keeps Tomcat from scanning the drop-in JAR for TLDs, web fragments and initializers on every webapp
 * deployment. The JAR holds none, but it is large (BouncyCastle): scanning it was measured to add ≈ 0.65 s
 * to each start and ≈ 135 MB to the resident memory (docs/performance.md). Tomcat reads the skip list
 * from this system property once, when the first webapp is scanned, so it is extended before the Server
 * initializes; an embedded Tomcat that scanned before the listener ran keeps its list.
 */
final class OwnJarScanSkip {

    /** The system property of {@code StandardJarScanFilter}, filled from {@code catalina.properties}. */
    static final String JARS_TO_SKIP = "tomcat.util.scan.StandardJarScanFilter.jarsToSkip";

    private OwnJarScanSkip() {
    }

    /** Adds this JAR's file name to the skip list, unless it is there already or Autocert is not in a JAR. */
    static void apply() {
        String jar = ownJarName();
        if (jar == null) {
            return;
        }
        String skip = System.getProperty(JARS_TO_SKIP);
        if (skip == null || skip.isBlank()) {
            System.setProperty(JARS_TO_SKIP, jar);
        } else if (Arrays.stream(skip.split(",")).map(String::trim).noneMatch(jar::equals)) {
            System.setProperty(JARS_TO_SKIP, skip + "," + jar);
        }
    }

    private static @Nullable String ownJarName() {
        CodeSource source = OwnJarScanSkip.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        try {
            // a JAR nested in a Spring Boot jar has a path without a file name (and Boot's Tomcat scans no JARs)
            Path file = Path.of(source.getLocation().toURI()).getFileName();
            String name = file == null ? "" : file.toString();
            return name.endsWith(".jar") ? name : null;
        } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
            return null;
        }
    }
}
