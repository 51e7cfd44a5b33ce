package dev.autocert.acme;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Failed validations per name in the last hour, so Autocert never spends the CA's failed-validation limit
 * (Let's Encrypt: 5 per name per hour per account), whatever {@code retryDelay} or {@code renewNow} ask:
 * with the budget spent, no order is placed until the oldest failure is an hour old.
 */
final class ValidationBudget {

    /** Let's Encrypt's limit of failed validations per identifier and hour. */
    static final int FAILURES = 5;
    static final Duration WINDOW = Duration.ofHours(1);

    private final Map<String, Deque<Instant>> failures = new HashMap<>();

    /** @param name a name whose validation the CA refused at {@code at} */
    synchronized void failed(String name, Instant at) {
        failures.computeIfAbsent(name, n -> new ArrayDeque<>()).addLast(at);
    }

    /**
     * @param names the names an order would validate
     * @param now   the time
     * @return when the budget of every one of them allows an order again, or empty when it does now
     */
    synchronized Optional<Instant> spentUntil(Collection<String> names, Instant now) {
        Instant until = null;
        for (String name : names) {
            Deque<Instant> times = failures.get(name);
            if (times == null) {
                continue;
            }
            while (!times.isEmpty() && !times.peekFirst().plus(WINDOW).isAfter(now)) {
                times.removeFirst();
            }
            if (times.size() >= FAILURES) {
                Instant free = times.peekFirst().plus(WINDOW);
                until = until == null || free.isAfter(until) ? free : until;
            }
        }
        return Optional.ofNullable(until);
    }
}
