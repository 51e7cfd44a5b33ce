package dev.autocert.renew;

import dev.autocert.diagnose.Diagnosis;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one managed certificate, for status pages, JMX and tests.
 *
 * @param name        the certificate's name
 * @param domains     its names
 * @param notAfter    expiry of the served certificate, or {@code null} when none is served yet
 * @param nextAttempt when Autocert will next issue or renew it, or {@code null} when stopped
 * @param failures    consecutive failed attempts
 * @param lastError   the last failure's diagnosis, or {@code null} after a success
 */
public record CertificateStatus(String name, List<String> domains, Instant notAfter, Instant nextAttempt,
                                int failures, Diagnosis lastError) {
}
