package dev.autocert.spring;

import dev.autocert.Autocert;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.renew.CertificateStatus;
import dev.autocert.tls.CertifiedKey;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether Autocert serves what it should, as Actuator's {@code autocert} health shows it, without Actuator's types
 * (which differ between Boot 3 and 4). A certificate makes it {@link State#DOWN} once it has expired, or once it
 * is past its emergency point: less than a sixth of its lifetime left while renewing keeps failing (when
 * {@code onExpiring} fires). Until the first issuance it is up, unless attempts have failed (then nothing valid
 * is served). Never out of service: the application serves whatever certificate it has.
 *
 * @param state   the overall state
 * @param details per certificate name: domains, notAfter, daysToExpiry, failures, lastError; or {@code problem}
 */
public record CertificateHealth(State state, Map<String, Object> details) {

    /** The states this health can have. */
    public enum State {
        /** Every certificate is valid and not past its emergency point (or still being issued). */
        UP,
        /** A certificate expired, is past its emergency point, or none could be obtained. */
        DOWN,
        /** Autocert is not active (a bad property, named in the details), or the embedded server has not made it yet. */
        UNKNOWN
    }

    /**
     * @param runtime the starter's Autocert
     * @param now     the current time
     * @return its health
     */
    public static CertificateHealth of(AutocertRuntime runtime, Instant now) {
        if (runtime.problem().isPresent()) {
            // not DOWN: a health check taking the application out of a load balancer would stop it serving at all
            return new CertificateHealth(State.UNKNOWN, Map.of("problem", runtime.problem().get()));
        }
        Optional<Autocert> autocert = runtime.autocert();
        if (autocert.isEmpty()) {
            return new CertificateHealth(State.UNKNOWN, Map.of());
        }
        State state = State.UP;
        Map<String, Object> details = new LinkedHashMap<>();
        for (CertificateStatus status : autocert.get().status()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("domains", status.domains());
            one.put("failures", status.failures());
            Diagnosis lastError = status.lastError();
            if (lastError != null) {
                one.put("lastError", lastError.kind().name());
            }
            CertifiedKey served = autocert.get().served(status.name()).orElse(null);
            State own = of(status, served, now, one);
            if (own == State.DOWN) {
                state = State.DOWN;
            }
            one.put("status", own.name());
            details.put(status.name(), one);
        }
        return new CertificateHealth(state, details);
    }

    /** One certificate's state; adds notAfter and daysToExpiry to {@code details} when one is served. */
    static State of(CertificateStatus status, CertifiedKey served, Instant now, Map<String, Object> details) {
        Instant notAfter = status.notAfter();
        if (notAfter == null) {
            return status.failures() > 0 ? State.DOWN : State.UP;
        }
        Duration left = Duration.between(now, notAfter);
        details.put("notAfter", notAfter.toString());
        details.put("daysToExpiry", left.toDays());
        if (left.isNegative() || left.isZero()) {
            return State.DOWN;
        }
        if (served != null && status.failures() > 0) {
            Duration lifetime = Duration.between(served.notBefore(), served.notAfter());
            if (left.compareTo(lifetime.dividedBy(6)) < 0) {
                return State.DOWN;
            }
        }
        return State.UP;
    }
}
