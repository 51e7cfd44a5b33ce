package dev.autocert.renew;

import java.time.Duration;
import java.time.Instant;

/**
 * The schedule of one certificate as pure functions of its {@link ScheduleState} and the time: whether a
 * wake-up attempts an issuance, and when and why the next attempt is due. {@link CertificateManager}
 * keeps the state, the clock and the threads; every decision is made here, so each transition is tested
 * without a CA, a clock or a thread.
 */
public final class RenewalSchedule {

    /** Even a far renewal is re-checked this often, so clock jumps and config drift are noticed. */
    static final Duration LONGEST_SLEEP = Duration.ofHours(12);

    /**
     * When to attempt next, and why.
     *
     * @param at     the moment of the next wake-up (at most {@link #LONGEST_SLEEP} ahead; now or earlier means now)
     * @param due    when the attempt is due, as status shows it ({@code at} is earlier when the sleep is capped)
     * @param reason why, e.g. {@code lifetime}, {@code ari-window}, "retry 3 after a failure"
     */
    public record Plan(Instant at, Instant due, String reason) {
    }

    private RenewalSchedule() {
    }

    /**
     * @param s   the certificate's state
     * @param now the time of the wake-up
     * @return whether to issue now: requested, retrying after a failure (unless the CA's rate limit still
     *         holds), or due; a wake-up by the 12-hour cap before any of these goes back to sleep
     */
    public static boolean attemptNow(ScheduleState s, Instant now) {
        if (s.forced()) {
            return true;
        }
        if (s.failures() > 0 && !limited(s, now)) {
            return true;
        }
        return !now.isBefore(dueAt(s));
    }

    /**
     * @param s   the certificate's state, with nothing failing (at start, after a success, after an early wake-up)
     * @param now the time
     * @return the next wake-up: the renewal time (or the end of a rate limit, if later)
     */
    public static Plan plan(ScheduleState s, Instant now) {
        Instant due = later(dueAt(s), now);
        return new Plan(capped(due, now), due, reason(s, now));
    }

    /**
     * @param s       the state after the failure ({@link ScheduleState#failed}: failures counted, CA limit noted)
     * @param now     the time of the failure
     * @param backoff the back-off delay for this many failures
     * @return the next wake-up: after the back-off, or when the CA's rate limit lifts if that is later (asking
     *         earlier only fails again and counts against the account)
     */
    public static Plan afterFailure(ScheduleState s, Instant now, Duration backoff) {
        Instant at = now.plus(backoff);
        if (limited(s, now) && s.rateLimitedUntil().isAfter(at)) {
            at = s.rateLimitedUntil();
        }
        return new Plan(capped(at, now), at, reason(s, now));
    }

    /** @return a plan for a renewal requested now */
    public static Plan requested(ScheduleState s, Instant now) {
        return new Plan(now, now, reason(s.forced(true), now));
    }

    /**
     * @param last     when the listeners were last told, or {@code null}
     * @param interval the least time between two notices
     * @param now      the time
     * @return whether to tell them now
     */
    public static boolean noticeDue(Instant last, Duration interval, Instant now) {
        return last == null || !now.isBefore(last.plus(interval));
    }

    /** Due since ever when nothing is served or not the configured names; never before the CA's limit lifts. */
    static Instant dueAt(ScheduleState s) {
        Instant due = s.renewAt() == null || !s.coversNames() ? Instant.EPOCH : s.renewAt();
        return s.rateLimitedUntil() != null && s.rateLimitedUntil().isAfter(due) ? s.rateLimitedUntil() : due;
    }

    private static boolean limited(ScheduleState s, Instant now) {
        return s.rateLimitedUntil() != null && now.isBefore(s.rateLimitedUntil());
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant capped(Instant at, Instant now) {
        Instant latest = now.plus(LONGEST_SLEEP);
        if (at.isAfter(latest)) {
            return latest;
        }
        return at.isBefore(now) ? now : at;
    }

    static String reason(ScheduleState s, Instant now) {
        if (s.forced()) {
            return "renewal requested";
        }
        if (limited(s, now)) {
            return (s.failures() > 0 ? "retry " + (s.failures() + 1) + " " : "") + "when the CA's rate limit lifts";
        }
        if (s.failures() > 0) {
            return "retry " + (s.failures() + 1) + " after a failure";
        }
        if (s.renewAt() == null) {
            return "no certificate yet";
        }
        if (!s.coversNames()) {
            return "the configured names changed";
        }
        return s.renewReason();
    }
}
