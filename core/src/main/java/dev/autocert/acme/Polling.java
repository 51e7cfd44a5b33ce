package dev.autocert.acme;

import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.diagnose.Diagnosis;
import org.shredzone.acme4j.AcmeJsonResource;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.exception.AcmeException;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Polls an ACME resource until it reaches a final status. It honours the CA's Retry-After; without
 * one it starts at 20 ms and doubles up to 2 s, so a fast CA is not kept waiting for a fixed
 * three-second sleep (acme4j's default) and a slow one is not hammered.
 */
final class Polling {

    private static final Duration FIRST = Duration.ofMillis(20);
    private static final Duration LONGEST = Duration.ofSeconds(2);

    private Polling() {
    }

    static Status until(AcmeJsonResource resource, Supplier<Status> status, Set<Status> done, Duration timeout,
                        String what) throws AcmeException, DiagnosedException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Duration pause = FIRST;
        Status s = status.get();
        while (!done.contains(s)) {
            if (Instant.now().plus(pause).isAfter(deadline)) {
                throw new DiagnosedException(new Diagnosis(Diagnosis.Kind.TIMEOUT,
                        what + " was still " + s + " after " + timeout.toSeconds() + " s",
                        "nothing to change; Autocert retries later", null), null);
            }
            Thread.sleep(pause.toMillis());
            Optional<Instant> retryAfter = resource.fetch();
            s = status.get();
            Duration doubled = pause.multipliedBy(2).compareTo(LONGEST) > 0 ? LONGEST : pause.multipliedBy(2);
            pause = retryAfter.map(t -> Duration.between(Instant.now(), t))
                    .filter(d -> !d.isNegative())
                    .orElse(doubled);
        }
        return s;
    }
}
