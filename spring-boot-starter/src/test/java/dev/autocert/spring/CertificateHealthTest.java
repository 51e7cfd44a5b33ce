package dev.autocert.spring;

import dev.autocert.config.KeyType;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.renew.CertificateStatus;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.autocert.spring.CertificateHealth.State.DOWN;
import static dev.autocert.spring.CertificateHealth.State.UP;
import static org.assertj.core.api.Assertions.assertThat;

class CertificateHealthTest {

    private static final CertifiedKey KEY = SelfSigned.temporary(List.of("a.test"), KeyType.EC256);
    private static final Diagnosis ERROR = new Diagnosis(Diagnosis.Kind.values()[0], "evidence", "fix", "domains");

    private static CertificateStatus status(Instant notAfter, int failures) {
        return new CertificateStatus("a.test", List.of("a.test"), notAfter, null, null, failures,
                failures > 0 ? ERROR : null, List.of(), List.of(), null, null);
    }

    private static CertificateHealth.State at(Instant now, int failures, Map<String, Object> details) {
        return CertificateHealth.of(status(KEY.notAfter(), failures), KEY, now, details);
    }

    @Test
    void upWithDaysToExpiryWhileValid() {
        Map<String, Object> details = new HashMap<>();
        Instant now = KEY.notAfter().minus(Duration.ofDays(10)).minusSeconds(60);
        assertThat(at(now, 0, details)).isEqualTo(UP);
        assertThat(details).containsEntry("daysToExpiry", 10L).containsEntry("notAfter", KEY.notAfter().toString());
    }

    @Test
    void downOnceExpired() {
        assertThat(at(KEY.notAfter().plusSeconds(1), 0, new HashMap<>())).isEqualTo(DOWN);
    }

    @Test
    void downPastTheEmergencyPointOnlyWhileRenewingFails() {
        Duration lifetime = Duration.between(KEY.notBefore(), KEY.notAfter());
        Instant emergency = KEY.notAfter().minus(lifetime.dividedBy(6)).plusSeconds(60);
        assertThat(at(emergency, 0, new HashMap<>())).as("no failure yet: renewal is under way").isEqualTo(UP);
        assertThat(at(emergency, 2, new HashMap<>())).isEqualTo(DOWN);
        assertThat(at(emergency.minus(Duration.ofMinutes(2)), 2, new HashMap<>())).as("before the point").isEqualTo(UP);
    }

    @Test
    void beforeTheFirstCertificateUpUnlessAttemptsFailed() {
        assertThat(CertificateHealth.of(status(null, 0), null, Instant.now(), new HashMap<>())).isEqualTo(UP);
        assertThat(CertificateHealth.of(status(null, 1), null, Instant.now(), new HashMap<>())).isEqualTo(DOWN);
    }
}
