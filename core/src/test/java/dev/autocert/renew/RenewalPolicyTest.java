package dev.autocert.renew;

import dev.autocert.TestCerts;
import dev.autocert.tls.CertifiedKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RenewalPolicyTest {

    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private static CertifiedKey cert(Duration lifetime) {
        return TestCerts.selfSigned(START, START.plus(lifetime), "a.test");
    }

    @Test
    void ninetyDayCertificateIsDueAtSixtyDays() {
        CertifiedKey c = cert(Duration.ofDays(90));
        RenewalPolicy policy = new RenewalPolicy(Optional.empty());
        assertThat(policy.dueAt(c)).isEqualTo(START.plus(60, ChronoUnit.DAYS)).isEqualTo(c.notAfter().minus(Duration.ofDays(30)));
    }

    @Test
    void jitterIsBoundedAndNeverAfterDue() {
        for (Duration lifetime : new Duration[] {Duration.ofDays(90), Duration.ofDays(6), Duration.ofHours(10)}) {
            CertifiedKey c = cert(lifetime);
            RenewalPolicy policy = new RenewalPolicy(Optional.empty());
            Instant due = policy.dueAt(c);
            Duration bound = lifetime.dividedBy(50).compareTo(Duration.ofHours(1)) < 0 ? lifetime.dividedBy(50) : Duration.ofHours(1);
            for (int i = 0; i < 500; i++) {
                Instant at = policy.renewAt(c);
                assertThat(at).as("lifetime %s", lifetime).isBeforeOrEqualTo(due).isAfterOrEqualTo(due.minus(bound));
                assertThat(Duration.between(at, due)).isLessThanOrEqualTo(lifetime.dividedBy(50));
            }
        }
    }

    @Test
    void fixedMargin() {
        CertifiedKey c = cert(Duration.ofDays(90));
        RenewalPolicy policy = new RenewalPolicy(Optional.of(Duration.ofDays(10)));
        assertThat(policy.dueAt(c)).isEqualTo(c.notAfter().minus(Duration.ofDays(10)));
        assertThat(RenewalPolicy.marginIgnored(Optional.of(Duration.ofDays(10)), Duration.ofDays(90))).isFalse();
        assertThat(RenewalPolicy.marginIgnored(Optional.empty(), Duration.ofDays(90))).isFalse();
    }

    @Test
    void marginNotShorterThanLifetimeFallsBackToOneThird() {
        CertifiedKey c = cert(Duration.ofDays(6));
        for (Duration margin : new Duration[] {Duration.ofDays(6), Duration.ofDays(30)}) {
            RenewalPolicy policy = new RenewalPolicy(Optional.of(margin));
            assertThat(policy.dueAt(c)).isEqualTo(START.plus(Duration.ofDays(4)));
            assertThat(RenewalPolicy.marginIgnored(Optional.of(margin), Duration.ofDays(6))).isTrue();
        }
    }
}
