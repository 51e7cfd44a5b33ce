package dev.autocert.renew;

import dev.autocert.TestCerts;
import dev.autocert.tls.CertifiedKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/** Every rule of the renewal time, with the CA's window and without. */
class RenewalPolicyTest {

    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    private static final RandomGenerator RANDOM = new Random(7);
    /** A random source that always draws 0: no jitter, the window's start. */
    private static final RandomGenerator NONE = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return 0;
        }
    };

    private static CertifiedKey cert(Duration lifetime) {
        return TestCerts.selfSigned(START, START.plus(lifetime), "a.test");
    }

    private static RenewalPolicy lifetimeRule() {
        return new RenewalPolicy(Optional.empty());
    }

    @Test
    void ninetyDaysRenewAtAThirdLeftSixDaysAtHalf() {
        assertThat(lifetimeRule().decide(cert(Duration.ofDays(90)), null, START, NONE))
                .isEqualTo(new RenewalPolicy.Decision(START.plus(Duration.ofDays(60)), RenewalPolicy.LIFETIME));
        assertThat(lifetimeRule().decide(cert(Duration.ofDays(6)), null, START, NONE))
                .isEqualTo(new RenewalPolicy.Decision(START.plus(Duration.ofDays(3)), RenewalPolicy.LIFETIME));
    }

    @Test
    void jitterIsBoundedAndNeverAfterTheRule() {
        for (Duration lifetime : new Duration[] {Duration.ofDays(90), Duration.ofDays(6), Duration.ofHours(10)}) {
            CertifiedKey c = cert(lifetime);
            Instant rule = lifetimeRule().decide(c, null, START, NONE).at();
            Duration bound = lifetime.dividedBy(50).compareTo(Duration.ofHours(1)) < 0 ? lifetime.dividedBy(50) : Duration.ofHours(1);
            for (int i = 0; i < 500; i++) {
                Instant at = lifetimeRule().decide(c, null, START, RANDOM).at();
                assertThat(at).as("lifetime %s", lifetime).isBeforeOrEqualTo(rule).isAfter(rule.minus(bound));
            }
        }
    }

    @Test
    void aFixedMarginUnlessItIsNotShorterThanTheLifetime() {
        assertThat(new RenewalPolicy(Optional.of(Duration.ofDays(10))).decide(cert(Duration.ofDays(90)), null, START, NONE))
                .isEqualTo(new RenewalPolicy.Decision(START.plus(Duration.ofDays(80)), RenewalPolicy.RENEW_BEFORE));
        assertThat(new RenewalPolicy(Optional.of(Duration.ofDays(30))).decide(cert(Duration.ofDays(6)), null, START, NONE))
                .isEqualTo(new RenewalPolicy.Decision(START.plus(Duration.ofDays(3)), RenewalPolicy.LIFETIME));
        assertThat(RenewalPolicy.marginIgnored(Optional.of(Duration.ofDays(10)), Duration.ofDays(90))).isFalse();
        assertThat(RenewalPolicy.marginIgnored(Optional.of(Duration.ofDays(6)), Duration.ofDays(6))).isTrue();
        assertThat(RenewalPolicy.marginIgnored(Optional.empty(), Duration.ofDays(90))).isFalse();
    }

    @Test
    void aFutureWindowGivesARandomInstantInsideItWhateverTheMargin() {
        CertifiedKey c = cert(Duration.ofDays(90));
        RenewalWindow window = new RenewalWindow(START.plus(Duration.ofDays(50)), START.plus(Duration.ofDays(52)), START.plusSeconds(21600));
        RenewalPolicy margin = new RenewalPolicy(Optional.of(Duration.ofDays(10)));
        for (int i = 0; i < 500; i++) {
            RenewalPolicy.Decision d = margin.decide(c, window, START, RANDOM);
            assertThat(d.reason()).isEqualTo(RenewalPolicy.ARI_WINDOW);
            assertThat(d.at()).isAfterOrEqualTo(window.start()).isBefore(window.end());
        }
    }

    @Test
    void aWindowThatStartedOrPassedMeansNow() {
        CertifiedKey c = cert(Duration.ofDays(90));
        Instant now = START.plus(Duration.ofDays(20));
        RenewalWindow started = new RenewalWindow(now.minusSeconds(60), now.plus(Duration.ofDays(1)), now.plusSeconds(21600));
        RenewalWindow past = new RenewalWindow(START.plus(Duration.ofDays(1)), START.plus(Duration.ofDays(2)), now.plusSeconds(21600));
        assertThat(lifetimeRule().decide(c, started, now, RANDOM)).isEqualTo(new RenewalPolicy.Decision(now, RenewalPolicy.ARI_WINDOW));
        assertThat(lifetimeRule().decide(c, past, now, RANDOM)).isEqualTo(new RenewalPolicy.Decision(now, RenewalPolicy.ARI_WINDOW));
    }

    @Test
    void neverLaterThanTheEmergencyPoint() {
        CertifiedKey c = cert(Duration.ofDays(100));
        Instant emergency = START.plus(Duration.ofDays(95));
        RenewalWindow late = new RenewalWindow(START.plus(Duration.ofDays(96)), START.plus(Duration.ofDays(99)), START);
        assertThat(lifetimeRule().decide(c, late, START, RANDOM)).isEqualTo(new RenewalPolicy.Decision(emergency, RenewalPolicy.EMERGENCY));
        assertThat(new RenewalPolicy(Optional.of(Duration.ofDays(1))).decide(c, null, START, NONE))
                .isEqualTo(new RenewalPolicy.Decision(emergency, RenewalPolicy.EMERGENCY));
    }

    @Test
    void aDecisionInsideTheWindowGivenAgainIsKeptOtherwiseDrawnAnew() {
        CertifiedKey c = cert(Duration.ofDays(90));
        RenewalWindow window = new RenewalWindow(START.plus(Duration.ofDays(50)), START.plus(Duration.ofDays(52)), START);
        RenewalPolicy.Decision inside = new RenewalPolicy.Decision(START.plus(Duration.ofDays(51)), RenewalPolicy.ARI_WINDOW);
        assertThat(lifetimeRule().follow(c, window, inside, START, RANDOM)).isSameAs(inside);
        RenewalPolicy.Decision outside = new RenewalPolicy.Decision(START.plus(Duration.ofDays(53)), RenewalPolicy.ARI_WINDOW);
        RenewalPolicy.Decision lifetime = new RenewalPolicy.Decision(START.plus(Duration.ofDays(51)), RenewalPolicy.LIFETIME);
        for (RenewalPolicy.Decision before : new RenewalPolicy.Decision[] {outside, lifetime, null}) {
            RenewalPolicy.Decision d = lifetimeRule().follow(c, window, before, START, RANDOM);
            assertThat(d.reason()).isEqualTo(RenewalPolicy.ARI_WINDOW);
            assertThat(d.at()).isAfterOrEqualTo(window.start()).isBefore(window.end());
        }
    }
}
