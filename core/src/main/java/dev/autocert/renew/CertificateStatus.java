package dev.autocert.renew;

import dev.autocert.diagnose.Diagnosis;
import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one managed certificate, for status pages, JMX and tests.
 *
 * @param name        the certificate's name
 * @param domains     its names
 * @param notAfter    expiry of the served certificate, or {@code null} when none is served yet
 * @param nextAttempt when Autocert will next issue or renew it, or {@code null} when stopped
 * @param nextReason  why then, e.g. "a third of the lifetime left", "retry 3 after a failure"
 * @param failures    consecutive failed attempts
 * @param lastError   the last failure's diagnosis, or {@code null} after a success
 * @param validatedBy the challenge types that last validated its names here, e.g. {@code [http-01]}
 * @param servedBy    the TLS connectors serving it now, by the container's names; empty when none is running
 *                    or no certificate is served yet
 * @param renewalInfoCheck when the CA is next asked for its renewal window (ARI), or {@code null} when it has none
 * @param issuedBy    the directory URL of the CA that issued the served certificate, or {@code null} when none is
 *                    served or that is not known (a certificate another node of a cluster obtained)
 */
public record CertificateStatus(String name, List<String> domains, @Nullable Instant notAfter, @Nullable Instant nextAttempt,
                                @Nullable String nextReason, int failures, @Nullable Diagnosis lastError, List<String> validatedBy,
                                List<String> servedBy, @Nullable Instant renewalInfoCheck, @Nullable String issuedBy) {

    /** @return this snapshot, served by {@code connectors} when it has a certificate to serve */
    public CertificateStatus servedBy(List<String> connectors) {
        return new CertificateStatus(name, domains, notAfter, nextAttempt, nextReason, failures, lastError, validatedBy,
                notAfter == null ? List.of() : List.copyOf(connectors), renewalInfoCheck, issuedBy);
    }

    /** Where a certificate stands, for status pages, JMX and health checks. */
    public enum State {
        /** Nothing issued yet (a placeholder may be served). */
        NONE,
        /** Served and within its lifetime, renewal not failing. */
        VALID,
        /** Served and valid, but its last renewal attempts failed. */
        RENEWAL_FAILING,
        /** Past its notAfter and still served, because nothing better could be obtained. */
        EXPIRED
    }

    /**
     * @param now the time to judge at
     * @return where the certificate stands then
     */
    public State state(Instant now) {
        Instant expiry = notAfter;
        if (expiry == null) {
            return State.NONE;
        }
        if (!now.isBefore(expiry)) {
            return State.EXPIRED;
        }
        return failures > 0 ? State.RENEWAL_FAILING : State.VALID;
    }
}
