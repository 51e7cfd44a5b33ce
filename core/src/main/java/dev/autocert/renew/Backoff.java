package dev.autocert.renew;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delays between failed attempts: the first delay doubling with each failure up to 6 hours (the CA is asked
 * again at least four times a day, for as long as it takes), each
 * spread by ±20 % so that failures across a fleet do not stay in step.
 */
public final class Backoff {

    /** The longest delay between two attempts. */
    public static final Duration MAX = Duration.ofHours(6);

    private final Duration first;

    /** @param first the delay after the first failure */
    public Backoff(Duration first) {
        this.first = first;
    }

    /**
     * @param failures consecutive failures so far, at least 1
     * @return the delay before the next attempt, without jitter
     */
    public Duration nominal(int failures) {
        Duration d = first;
        for (int i = 1; i < failures && d.compareTo(MAX) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(MAX) > 0 ? MAX : d;
    }

    /**
     * @param failures consecutive failures so far, at least 1
     * @return the delay before the next attempt, with jitter
     */
    public Duration delay(int failures) {
        long nominal = nominal(failures).toMillis();
        long spread = nominal / 5;
        return Duration.ofMillis(nominal - spread + (spread == 0 ? 0 : ThreadLocalRandom.current().nextLong(2 * spread + 1)));
    }
}
