package dev.autocert.renew;

import java.time.Instant;

/**
 * What the schedule of one certificate depends on, as plain data: no clock, no I/O, no randomness (the
 * jitter of the renewal time is drawn once, when a certificate is installed).
 *
 * @param renewAt          when the served certificate is to be renewed, or {@code null} when none is served
 * @param renewReason      why then ({@code ari-window}, {@code lifetime}, {@code renewBefore}, {@code emergency}); {@code null} when none is served
 * @param coversNames      whether the served certificate has exactly the configured names
 * @param failures         consecutive failed attempts
 * @param forced           whether a renewal was requested (JMX {@code renewNow})
 * @param rateLimitedUntil until when the CA refuses orders (its {@code Retry-After}), or {@code null}
 */
public record ScheduleState(Instant renewAt, String renewReason, boolean coversNames, int failures, boolean forced,
                            Instant rateLimitedUntil) {

    /** The state of a certificate nothing is known about yet. */
    public static final ScheduleState NOTHING_SERVED = new ScheduleState(null, null, false, 0, false, null);

    /** @return this state with a certificate served, renewed at {@code at} for {@code reason}; {@code covers}: it has the configured names */
    public ScheduleState served(Instant at, String reason, boolean covers) {
        return new ScheduleState(at, reason, covers, failures, forced, rateLimitedUntil);
    }

    /** @return this state after a successful issuance: no failures, no rate limit, nothing requested */
    public ScheduleState succeeded() {
        return new ScheduleState(renewAt, renewReason, coversNames, 0, false, null);
    }

    /** @return this state after one more failure, rate-limited until {@code until} when the CA said so */
    public ScheduleState failed(Instant until) {
        return new ScheduleState(renewAt, renewReason, coversNames, failures + 1, forced, until != null ? until : rateLimitedUntil);
    }

    /** @return this state with a renewal requested ({@code true}) or the request taken up ({@code false}) */
    public ScheduleState forced(boolean requested) {
        return new ScheduleState(renewAt, renewReason, coversNames, failures, requested, rateLimitedUntil);
    }

    /** @return this state rate-limited until {@code until} (a limit remembered in the store) */
    public ScheduleState rateLimited(Instant until) {
        return new ScheduleState(renewAt, renewReason, coversNames, failures, forced, until);
    }
}
