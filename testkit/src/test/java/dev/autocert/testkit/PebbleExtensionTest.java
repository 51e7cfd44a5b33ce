package dev.autocert.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PebbleExtensionTest {

    private static final int HTTP = FreePorts.take();

    @RegisterExtension
    static PebbleExtension pebble = new PebbleExtension(b -> b.httpPort(HTTP));

    @Test
    void pebbleRunsDuringTheClass() {
        assertEquals(HTTP, pebble.pebble().httpPort());
        assertTrue(pebble.pebble().pebbleProcess().isAlive());
        assertTrue(pebble.pebble().workDir().endsWith("PebbleExtensionTest"));
        // Pebble's listener presents the TestCa localhost leaf
        TlsProbe.verifyChain(
                TlsProbe.javaHandshake("127.0.0.1", pebble.pebble().acmePort(), "localhost",
                        List.of(pebble.pebble().testCa().caCertificate())),
                List.of(pebble.pebble().testCa().caCertificate()), "localhost");
    }
}
