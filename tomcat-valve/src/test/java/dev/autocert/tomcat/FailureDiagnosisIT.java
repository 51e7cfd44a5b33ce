package dev.autocert.tomcat;

import dev.autocert.diagnose.Diagnosis;
import dev.autocert.renew.CertificateStatus;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.PebbleExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Failures against a real CA end in a named diagnosis with the setting to fix, and Tomcat keeps
 * serving: terms not accepted (Pebble has terms of service), storage not writable.
 */
class FailureDiagnosisIT {

    private static final int HTTP_PORT = FreePorts.take();

    @RegisterExtension
    static final PebbleExtension PEBBLE = new PebbleExtension(b -> b.httpPort(HTTP_PORT).tlsPort(FreePorts.take()));

    @TempDir
    Path dir;

    private CertificateStatus firstFailure(Consumer<AutocertListener> settings) throws Exception {
        Pebble pebble = PEBBLE.pebble();
        AutocertListener listener = new AutocertListener();
        listener.setDomains("d.test");
        listener.setDirectory(pebble.directoryUrl());
        listener.setCaTrust(pebble.caTrustPem().toString());
        listener.setStorage(dir.resolve("store").toString());
        listener.setHttpsPort(FreePorts.take());
        listener.setHttpsAddress("127.0.0.1");
        listener.setRetryDelay("1h");
        settings.accept(listener);
        try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), HTTP_PORT, listener).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> listener.getAutocert().status().get(0).failures() > 0);
            CertificateStatus status = listener.getAutocert().status().get(0);
            assertThat(status.nextAttempt()).isAfter(java.time.Instant.now().plus(Duration.ofMinutes(30)));
            return status;
        }
    }

    @Test
    void termsNotAcceptedNamesTheTermsAndTheSetting() throws Exception {
        CertificateStatus status = firstFailure(l -> { });
        Diagnosis d = status.lastError();
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.TERMS_NOT_ACCEPTED);
        assertThat(d.setting()).isEqualTo("acceptTerms");
        assertThat(d.evidence()).contains("terms of service at");
        assertThat(d.message()).contains("acceptTerms=\"true\"");
        assertThat(Files.exists(dir.resolve("store/accounts"))).isFalse(); // no account key written before consent
    }

    @Test
    void anUnwritableStoreNamesTheStorageSetting() throws Exception {
        Path blocker = Files.writeString(dir.resolve("not-a-folder"), "x");
        CertificateStatus status = firstFailure(l -> {
            l.setAcceptTerms("true");
            l.setStorage(blocker.resolve("store").toString());
        });
        Diagnosis d = status.lastError();
        assertThat(d.kind()).isEqualTo(Diagnosis.Kind.STORAGE_FAILED);
        assertThat(d.setting()).isEqualTo("storage");
        assertThat(d.fix()).contains("writable");
    }
}
