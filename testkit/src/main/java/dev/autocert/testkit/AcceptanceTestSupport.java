package dev.autocert.testkit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What acceptance tests on a real server distribution share: an HTTP and an HTTPS port, a work folder under
 * {@code target/it}, a Pebble, and the server the test starts; server and Pebble are stopped after each test.
 * A failed test prints the end of their logs: a CI run keeps nothing else of them.
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

    private static final int FAILURE_LOG_LINES = 60;

    @RegisterExtension
    protected final TestWatcher logsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            failureLogs().forEach((name, process) -> System.out.printf("---- %s failed; the last %d lines of %s ----%n%s%n",
                    context.getDisplayName(), FAILURE_LOG_LINES, name, process.logTail(FAILURE_LOG_LINES)));
        }
    };

    /**
     * @return the processes whose logs a failed test prints, by name: Pebble's, and a subclass adds its servers'
     */
    protected Map<String, ManagedProcess> failureLogs() {
        Map<String, ManagedProcess> logs = new LinkedHashMap<>();
        if (pebble != null) {
            logs.put("pebble", pebble.pebbleProcess());
        }
        return logs;
    }

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
