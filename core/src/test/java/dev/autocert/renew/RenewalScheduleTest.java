package dev.autocert.renew;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Every transition of one certificate's schedule, as pure functions of state and time. */
class RenewalScheduleTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private static ScheduleState servedUntilRenewal(Instant renewAt) {
        return ScheduleState.NOTHING_SERVED.served(renewAt, "lifetime", true);
    }

    @Test
    void nothingServedIsDueAtOnce() {
        ScheduleState s = ScheduleState.NOTHING_SERVED;
        assertThat(RenewalSchedule.attemptNow(s, NOW)).isTrue();
        assertThat(RenewalSchedule.plan(s, NOW)).isEqualTo(new RenewalSchedule.Plan(NOW, NOW, "no certificate yet"));
    }

    @Test
    void aServedCertificateSleepsUntilItsRenewalTimeInStepsOfAtMostTwelveHours() {
        ScheduleState soon = servedUntilRenewal(NOW.plus(Duration.ofHours(3)));
        assertThat(RenewalSchedule.attemptNow(soon, NOW)).isFalse();
        assertThat(RenewalSchedule.plan(soon, NOW)).isEqualTo(new RenewalSchedule.Plan(NOW.plusSeconds(3 * 3600), NOW.plusSeconds(3 * 3600), "lifetime"));

        ScheduleState far = servedUntilRenewal(NOW.plus(Duration.ofDays(40)));
        RenewalSchedule.Plan wake = RenewalSchedule.plan(far, NOW);
        assertThat(wake.at()).isEqualTo(NOW.plus(RenewalSchedule.LONGEST_SLEEP));
        assertThat(wake.due()).as("what status shows").isEqualTo(NOW.plus(Duration.ofDays(40)));
        // woken by the cap: not due, back to sleep
        assertThat(RenewalSchedule.attemptNow(far, wake.at())).isFalse();
        assertThat(RenewalSchedule.attemptNow(far, NOW.plus(Duration.ofDays(40)))).isTrue();
    }

    @Test
    void namesThatChangedAreDueAtOnce() {
        ScheduleState s = ScheduleState.NOTHING_SERVED.served(NOW.plus(Duration.ofDays(40)), "lifetime", false);
        assertThat(RenewalSchedule.attemptNow(s, NOW)).isTrue();
        assertThat(RenewalSchedule.plan(s, NOW).reason()).isEqualTo("the configured names changed");
    }

    @Test
    void aRequestedRenewalRunsNowWhateverTheScheduleAndIsTakenUpOnce() {
        ScheduleState s = servedUntilRenewal(NOW.plus(Duration.ofDays(40))).forced(true);
        assertThat(RenewalSchedule.attemptNow(s, NOW)).isTrue();
        assertThat(RenewalSchedule.requested(s, NOW)).isEqualTo(new RenewalSchedule.Plan(NOW, NOW, "renewal requested"));
        assertThat(RenewalSchedule.attemptNow(s.forced(false), NOW)).isFalse();
        // an operator may ask even during a rate limit: the diagnosis will say the CA refuses
        assertThat(RenewalSchedule.attemptNow(s.rateLimited(NOW.plus(Duration.ofHours(1))), NOW)).isTrue();
    }

    @Test
    void aFailureRetriesAfterTheBackoffAndTheRetryRunsWhenWoken() {
        ScheduleState failed = servedUntilRenewal(NOW.minus(MINUTE)).failed(null);
        RenewalSchedule.Plan plan = RenewalSchedule.afterFailure(failed, NOW, Duration.ofMinutes(2));
        assertThat(plan).isEqualTo(new RenewalSchedule.Plan(NOW.plus(Duration.ofMinutes(2)), NOW.plus(Duration.ofMinutes(2)), "retry 2 after a failure"));
        assertThat(RenewalSchedule.attemptNow(failed, plan.at())).isTrue();
        ScheduleState third = failed.failed(null);
        assertThat(RenewalSchedule.afterFailure(third, NOW, Duration.ofMinutes(4)).reason()).isEqualTo("retry 3 after a failure");
        // a long back-off still wakes at least every 12 hours, and the retry then runs (nothing else holds it)
        RenewalSchedule.Plan longWait = RenewalSchedule.afterFailure(third, NOW, Duration.ofDays(1));
        assertThat(longWait.at()).isEqualTo(NOW.plus(RenewalSchedule.LONGEST_SLEEP));
    }

    @Test
    void theCasRetryAfterOutweighsAShorterBackoffAndHoldsEveryWakeUpUntilItLifts() {
        Instant lifts = NOW.plus(Duration.ofHours(3));
        ScheduleState limited = servedUntilRenewal(NOW.minus(MINUTE)).failed(lifts);
        RenewalSchedule.Plan plan = RenewalSchedule.afterFailure(limited, NOW, MINUTE);
        assertThat(plan).isEqualTo(new RenewalSchedule.Plan(lifts, lifts, "retry 2 when the CA's rate limit lifts"));
        assertThat(RenewalSchedule.attemptNow(limited, NOW.plus(Duration.ofHours(1)))).isFalse();
        assertThat(RenewalSchedule.plan(limited, NOW.plus(Duration.ofHours(1))).at()).isEqualTo(lifts);
        assertThat(RenewalSchedule.attemptNow(limited, lifts)).isTrue();
        // a back-off longer than the limit wins
        assertThat(RenewalSchedule.afterFailure(limited, NOW, Duration.ofHours(5)).at()).isEqualTo(NOW.plus(Duration.ofHours(5)));
    }

    @Test
    void aRateLimitRememberedAcrossARestartDelaysEvenAMissingCertificate() {
        Instant lifts = NOW.plus(Duration.ofHours(2));
        ScheduleState restarted = ScheduleState.NOTHING_SERVED.rateLimited(lifts);
        assertThat(RenewalSchedule.attemptNow(restarted, NOW)).isFalse();
        assertThat(RenewalSchedule.plan(restarted, NOW)).isEqualTo(new RenewalSchedule.Plan(lifts, lifts, "when the CA's rate limit lifts"));
        // a renewal due later than the limit keeps its own time
        ScheduleState later = servedUntilRenewal(NOW.plus(Duration.ofHours(5))).rateLimited(lifts);
        assertThat(RenewalSchedule.plan(later, NOW.plus(Duration.ofHours(3))).at()).isEqualTo(NOW.plus(Duration.ofHours(5)));
    }

    @Test
    void successClearsFailuresTheLimitAndTheRequest() {
        ScheduleState s = servedUntilRenewal(NOW.plus(Duration.ofDays(1))).failed(NOW.plus(Duration.ofHours(1))).forced(true).succeeded();
        assertThat(s.failures()).isZero();
        assertThat(s.rateLimitedUntil()).isNull();
        assertThat(s.forced()).isFalse();
        assertThat(RenewalSchedule.plan(s, NOW).reason()).isEqualTo("lifetime");
    }

    @Test
    void noticesAreThrottled() {
        assertThat(RenewalSchedule.noticeDue(null, Duration.ofHours(1), NOW)).isTrue();
        assertThat(RenewalSchedule.noticeDue(NOW.minus(Duration.ofMinutes(59)), Duration.ofHours(1), NOW)).isFalse();
        assertThat(RenewalSchedule.noticeDue(NOW.minus(Duration.ofHours(1)), Duration.ofHours(1), NOW)).isTrue();
    }

    @Test
    void aPlanInThePastMeansNow() {
        assertThat(RenewalSchedule.plan(servedUntilRenewal(NOW.minus(Duration.ofDays(2))), NOW).at()).isEqualTo(NOW);
    }
}
