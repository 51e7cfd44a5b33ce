package dev.autocert.acme;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

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

    /** An empty budget: no validation failed yet. */
    ValidationBudget() {
    }

    /**
     * Adds the failures a store holds that this budget does not know yet: those another node of a cluster saw, or
     * those of an earlier run.
     *
     * @param stored failures by name, as a store keeps them
     */
    synchronized void merge(Map<String, List<Instant>> stored) {
        stored.forEach((name, times) -> {
            Deque<Instant> known = failures.computeIfAbsent(name, n -> new ArrayDeque<>());
            if (!known.containsAll(times)) {
                TreeSet<Instant> all = new TreeSet<>(known);
                all.addAll(times);
                known.clear();
                known.addAll(all);
            }
        });
    }

    /** @param name a name whose validation the CA refused at {@code at} */
    synchronized void failed(String name, Instant at) {
        failures.computeIfAbsent(name, n -> new ArrayDeque<>()).addLast(at);
    }

    /**
     * @param now the time
     * @return the failures still within the window, by name: what a store keeps
     */
    synchronized Map<String, List<Instant>> recent(Instant now) {
        Map<String, List<Instant>> out = new TreeMap<>();
        failures.forEach((name, times) -> {
            List<Instant> within = times.stream().filter(t -> t.plus(WINDOW).isAfter(now)).toList();
            if (!within.isEmpty()) {
                out.put(name, within);
            }
        });
        return out;
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
