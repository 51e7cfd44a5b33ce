package dev.autocert.store;

import org.jspecify.annotations.Nullable;

import java.math.BigInteger;
import java.net.URI;
import java.time.Instant;

/**
 * A renewal decision kept beside its certificate, so a restart neither re-draws the renewal time nor asks
 * the CA for its renewal window again before the CA said to.
 *
 * @param serial           the serial number of the certificate it was made for; another one makes it void
 * @param renewAt          when to renew
 * @param reason           why then: {@code ari-window}, {@code lifetime}, {@code renewBefore} or {@code emergency}
 * @param renewalInfoCheck when to ask the CA for the renewal window next, or {@code null} when it has none
 * @param issuedBy         the directory of the CA that issued the certificate, or {@code null} when not known
 */
public record StoredSchedule(BigInteger serial, Instant renewAt, String reason, @Nullable Instant renewalInfoCheck,
                             @Nullable URI issuedBy) {
}
