package dev.autocert.servlet;

import dev.autocert.Autocert;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The ShrinkWrap WARs of the {@code *ArquillianTest} classes, shipped the way a user ships the install: this
 * module's classes as {@code WEB-INF/lib/autocert-servlet.jar} (with its {@code META-INF/services} initializer and
 * {@code web-fragment.xml}), the same {@code WEB-INF/lib} as the sample WAR (core, acme4j, jose4j, BouncyCastle,
 * dnsjava, slf4j, slf4j-jdk14), the application's {@link TestWebapp} {@code web.xml} and its refuse-all filter.
 * The surefire execution "arquillian" keeps this module's classes off the container's class path.
 */
final class ArquillianWar {

    private ArquillianWar() {
    }

    /** A root webapp ({@code ROOT.war}) with these settings as context-params and {@code more} in its {@code web.xml}. */
    static WebArchive root(Map<String, String> contextParams, String more) {
        WebArchive war = ShrinkWrap.create(WebArchive.class, "ROOT.war")
                .setWebXML(new StringAsset(TestWebapp.webXml(contextParams, false, more)))
                .addClass(TestWebapp.RefuseAll.class)
                .addAsLibrary(jar("autocert-servlet.jar", ItSupport.property("autocert.servlet.classes")))
                .addAsLibrary(jar("autocert-core.jar", codeSource(Autocert.class)));
        return war.addAsLibraries(libraries().stream().map(Path::toFile).toArray(File[]::new));
    }

    /** A folder of the test class's own under {@code target/arquillian-work}, emptied. */
    static Path workDir(Class<?> test) {
        Path dir = Path.of("target", "arquillian-work", test.getSimpleName()).toAbsolutePath();
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted((a, b) -> b.compareTo(a)).map(Path::toFile).forEach(File::delete);
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The HTTP port of Arquillian's Tomcat (arquillian.xml's {@code bindHttpPort}). */
    static int httpPort() {
        return Integer.parseInt(System.getProperty("arquillian.http.port"));
    }

    /** A response: status, body and the first value of each header. */
    record Reply(int status, String body, Map<String, String> headers) {
    }

    /**
     * GETs a path of Arquillian's Tomcat through {@link HttpURLConnection}, which leaves no thread behind: the JDK
     * {@code HttpClient}'s threads would outlive the request until a GC, and {@link RedeployArquillianTest} counts them.
     */
    static Reply get(String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + httpPort() + path).toURL().openConnection();
        try {
            int status = c.getResponseCode();
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            c.getHeaderFields().forEach((name, values) -> {
                if (name != null) {
                    headers.put(name, values.get(0));
                }
            });
            InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Reply(status, body, headers);
        } finally {
            c.disconnect();
        }
    }

    /** A JAR of these classes: a folder of classes (the reactor's target/classes) or a JAR file. */
    private static JavaArchive jar(String name, Path classes) {
        return Files.isDirectory(classes)
                ? ShrinkWrap.create(ExplodedImporter.class, name).importDirectory(classes.toFile()).as(JavaArchive.class)
                : ShrinkWrap.create(ZipImporter.class, name).importFrom(classes.toFile()).as(JavaArchive.class);
    }

    private static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The third-party libraries; autocert-core comes from the test's class path ({@link #codeSource}). */
    private static List<Path> libraries() {
        try (Stream<Path> jars = Files.list(ItSupport.property("autocert.webapp.lib"))) {
            // the ITs copy this module's and core's JARs there later: never ship them twice
            return jars.filter(j -> j.toString().endsWith(".jar") && !j.getFileName().toString().startsWith("autocert-"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
