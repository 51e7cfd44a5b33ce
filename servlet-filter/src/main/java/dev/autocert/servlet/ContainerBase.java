package dev.autocert.servlet;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The container's own folder, found from the system properties the containers set: Tomcat's
 * {@code catalina.base}, Jetty's {@code jetty.base}. It gives the default store folder (the same
 * one as the container-level installs: {@code $CATALINA_BASE/conf/autocert},
 * {@code $JETTY_BASE/etc/autocert}; {@code ~/.autocert} elsewhere) and the folder relative paths
 * are resolved against, as the containers do for their own keystore paths.
 */
final class ContainerBase {

    private final Path base;
    private final Path defaultStorage;

    private ContainerBase(Path base, Path defaultStorage) {
        this.base = base;
        this.defaultStorage = defaultStorage;
    }

    /** @return the base of the container this JVM runs */
    static ContainerBase detect() {
        return detect(System::getProperty);
    }

    /**
     * @param systemProperties system property look-up
     * @return the base named by {@code catalina.base}, else {@code jetty.base}, else none
     */
    static ContainerBase detect(UnaryOperator<String> systemProperties) {
        String catalina = systemProperties.apply("catalina.base");
        if (catalina != null && !catalina.isBlank()) {
            Path base = Path.of(catalina).toAbsolutePath();
            return new ContainerBase(base, base.resolve("conf").resolve("autocert"));
        }
        String jetty = systemProperties.apply("jetty.base");
        if (jetty != null && !jetty.isBlank()) {
            Path base = Path.of(jetty).toAbsolutePath();
            return new ContainerBase(base, base.resolve("etc").resolve("autocert"));
        }
        String home = systemProperties.apply("user.home");
        return new ContainerBase(null, Path.of(home == null ? "." : home, ".autocert").toAbsolutePath());
    }

    /** @return the store folder used when {@code storage} is not set */
    Path defaultStorage() {
        return defaultStorage;
    }

    /**
     * @param path a path as a user wrote it
     * @return the path itself when absolute, else resolved against the container's base (or the
     *         working folder when there is no known base)
     */
    Path resolve(String path) {
        Path p = Path.of(path);
        if (p.isAbsolute()) {
            return p.normalize();
        }
        return (base != null ? base.resolve(p) : p.toAbsolutePath()).normalize();
    }
}
