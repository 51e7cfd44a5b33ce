package dev.autocert.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PebbleTest {

    @Test
    void startsServesDirectoryAndRootsAndStopsBothProcesses() throws Exception {
        long pebblePid;
        long challtestsrvPid;
        try (Pebble pebble = Pebble.builder()
                .workDir(Paths.get("target", "pebble", "PebbleTest"))
                .httpPort(FreePorts.take())
                .tlsPort(FreePorts.take())
                .shortlivedProfile()
                .start()) {
            pebblePid = pebble.pebbleProcess().pid();
            challtestsrvPid = pebble.challtestsrvProcess().pid();
            assertTrue(pebble.releaseVersion().startsWith("2.10"), "expected Pebble 2.10, got " + pebble.version());

            List<X509Certificate> trust = Pem.certificates(Files.readString(pebble.caTrustPem()));
            HttpClient client = HttpClient.newBuilder().sslContext(Trust.clientContext(trust)).build();
            HttpResponse<String> dir = client.send(HttpRequest.newBuilder(URI.create(pebble.directoryUrl())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, dir.statusCode());
            assertTrue(dir.body().contains("\"newOrder\""), dir.body());
            assertTrue(dir.body().contains("\"renewalInfo\""), "no ARI in " + dir.body());
            assertTrue(dir.body().contains("\"default\"") && dir.body().contains("\"shortlived\""),
                    "no profiles in " + dir.body());

            List<X509Certificate> roots = pebble.roots();
            assertEquals(1, roots.size());
            X509Certificate root = roots.get(0);
            assertEquals(root.getSubjectX500Principal(), root.getIssuerX500Principal());
            root.verify(root.getPublicKey());
            List<X509Certificate> intermediates = pebble.intermediates();
            assertFalse(intermediates.isEmpty());
            intermediates.get(intermediates.size() - 1).verify(root.getPublicKey());

            assertNull(pebble.certificateStatus(BigInteger.valueOf(0x1234567)));
            pebble.setDefaultIPv4("127.0.0.1");
            pebble.addARecord("a.test", "127.0.0.1");
            pebble.setTxtRecord("_acme-challenge.a.test", "x");

            String config = Files.readString(pebble.workDir().resolve("pebble-config.json"));
            assertTrue(config.contains("\"httpPort\": " + pebble.httpPort()), config);
        }
        assertFalse(ProcessHandle.of(pebblePid).map(ProcessHandle::isAlive).orElse(false), "pebble still runs");
        assertFalse(ProcessHandle.of(challtestsrvPid).map(ProcessHandle::isAlive).orElse(false),
                "challtestsrv still runs");
    }

    @Test
    void missingBinariesFailLoudly(@TempDir Path empty) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Pebble.builder().binDir(empty).start());
        assertTrue(e.getMessage().startsWith("Pebble not found: run scripts/fetch-pebble.sh"), e.getMessage());
    }
}
