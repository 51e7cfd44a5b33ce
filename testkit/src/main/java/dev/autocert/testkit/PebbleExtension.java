package dev.autocert.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * JUnit 5 extension that starts a {@link Pebble} before all tests of a class (work folder
 * {@code target/pebble/<TestClass>}) and stops it after them. Use it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static PebbleExtension pebble = new PebbleExtension(b -> b.httpPort(HTTP).tlsPort(HTTPS));
 * }</pre>
 */
public final class PebbleExtension implements BeforeAllCallback, AfterAllCallback {

    private static final Set<Path> CLAIMED = ConcurrentHashMap.newKeySet();

    private final Consumer<Pebble.Builder> configurer;
    private Pebble pebble;
    private int depth; // @Nested classes inherit the extension: start once, stop after the outermost class

    /** An extension with Pebble's defaults. */
    public PebbleExtension() {
        this(builder -> { });
    }

    /** An extension whose {@link Pebble.Builder} is adjusted by {@code configurer} before start. */
    public PebbleExtension(Consumer<Pebble.Builder> configurer) {
        this.configurer = configurer;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (depth++ > 0) {
            return;
        }
        Pebble.Builder builder = Pebble.builder().workDir(workDirFor(context));
        configurer.accept(builder);
        pebble = builder.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (--depth > 0) {
            return;
        }
        if (pebble != null) {
            pebble.stop();
            pebble = null;
        }
    }

    /** The running Pebble; only between beforeAll and afterAll. */
    public Pebble pebble() {
        if (pebble == null) {
            throw new IllegalStateException("Pebble is not running: register PebbleExtension on a static field");
        }
        return pebble;
    }

    /** target/pebble/&lt;test class&gt;, then -2, -3 … for a class's further Pebbles: each writes its own CA files there. */
    private static Path workDirFor(ExtensionContext context) {
        String name = context.getTestClass().map(Class::getSimpleName).orElse("pebble");
        for (int n = 1; ; n++) {
            Path dir = Paths.get("target", "pebble", n == 1 ? name : name + "-" + n);
            if (CLAIMED.add(dir)) {
                return dir;
            }
        }
    }
}
