package dev.autocert.renew;

import dev.autocert.tls.CertifiedKey;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to renew: when a third of the lifetime remains, or {@code renewBefore} ahead of expiry, minus a
 * small random jitter (at most 1/50 of the lifetime, at most an hour) so that many servers started
 * together do not all ask the CA in the same second.
 */
public final class RenewalPolicy {

    private static final Duration MAX_JITTER = Duration.ofHours(1);

    private final Duration renewBefore;

    /** @param renewBefore a fixed margin before expiry, or empty for the one-third rule */
    public RenewalPolicy(Optional<Duration> renewBefore) {
        this.renewBefore = renewBefore.orElse(null);
    }

    /**
     * @param certificate the certificate being served
     * @return the moment its renewal is due, before jitter
     */
    public Instant dueAt(CertifiedKey certificate) {
        Duration lifetime = Duration.between(certificate.notBefore(), certificate.notAfter());
        if (renewBefore != null && renewBefore.compareTo(lifetime) < 0) {
            return certificate.notAfter().minus(renewBefore);
        }
        return certificate.notAfter().minus(lifetime.dividedBy(3));
    }

    /**
     * @param certificate the certificate being served
     * @return the moment to start renewing it: {@link #dueAt} minus jitter
     */
    public Instant renewAt(CertifiedKey certificate) {
        Duration lifetime = Duration.between(certificate.notBefore(), certificate.notAfter());
        Duration jitterBound = lifetime.dividedBy(50);
        if (jitterBound.compareTo(MAX_JITTER) > 0) {
            jitterBound = MAX_JITTER;
        }
        long jitterMillis = jitterBound.toMillis() <= 0 ? 0 : ThreadLocalRandom.current().nextLong(jitterBound.toMillis());
        return dueAt(certificate).minusMillis(jitterMillis);
    }

    /**
     * @param certificate the certificate being served
     * @return why it is renewed at {@link #dueAt}, for status pages: the margin or the one-third rule
     */
    public String reason(CertifiedKey certificate) {
        Duration lifetime = Duration.between(certificate.notBefore(), certificate.notAfter());
        if (renewBefore != null && renewBefore.compareTo(lifetime) < 0) {
            return "renewBefore " + renewBefore.toString().substring(2).toLowerCase(Locale.ROOT) + " before expiry";
        }
        return "a third of the lifetime left";
    }

    /**
     * @param renewBefore the configured margin, if any
     * @param lifetime    a certificate's lifetime
     * @return whether the margin was ignored because it is not shorter than the lifetime
     */
    public static boolean marginIgnored(Optional<Duration> renewBefore, Duration lifetime) {
        return renewBefore.isPresent() && renewBefore.get().compareTo(lifetime) >= 0;
    }
}
