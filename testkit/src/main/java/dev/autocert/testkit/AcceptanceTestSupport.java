package dev.autocert.testkit;

import org.junit.jupiter.api.AfterEach;

import java.nio.file.Path;

/**
 * What acceptance tests on a real server distribution share: an HTTP and an HTTPS port, a work folder under
 * {@code target/it}, a Pebble, and the server the test starts; server and Pebble are stopped after each test.
 */
public abstract class AcceptanceTestSupport {

    /** The server's plain HTTP port (HTTP-01 when Pebble validates there). */
    protected final int httpPort = FreePorts.take();
    /** The server's HTTPS port (TLS-ALPN-01 when Pebble validates there). */
    protected final int httpsPort = FreePorts.take();
    /** This test's own folder. */
    protected final Path work = Path.of("target", "it", getClass().getSimpleName() + "-" + System.nanoTime()).toAbsolutePath();
    /** The CA, once the test started it. */
    protected Pebble pebble;

    /** @return the server the test started, or {@code null} */
    protected abstract AutoCloseable server();

    /** Stops the server, then Pebble. */
    @AfterEach
    public void stopServerAndPebble() throws Exception {
        AutoCloseable server = server();
        if (server != null) {
            server.close();
        }
        if (pebble != null) {
            pebble.close();
        }
    }
}
