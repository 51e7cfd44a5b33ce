package dev.autocert.renew;

import dev.autocert.tls.CertifiedKey;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to renew a certificate, and why. With the CA's renewal window (ARI): at a random instant inside it,
 * or now once it has started. Without: {@code renewBefore} ahead of expiry when set, else when a third of the
 * lifetime remains (half for lifetimes under 10 days), minus a small random jitter (at most 1/50 of the
 * lifetime, at most an hour) so that many servers started together do not ask the CA in the same second.
 * Whatever the window says, never later than the emergency point, 1/20 of the lifetime before expiry.
 */
public final class RenewalPolicy {

    /** Renewed inside the CA's suggested window. */
    public static final String ARI_WINDOW = "ari-window";
    /** Renewed when a third (or, for short lifetimes, half) of the lifetime remains. */
    public static final String LIFETIME = "lifetime";
    /** Renewed {@code renewBefore} ahead of expiry. */
    public static final String RENEW_BEFORE = "renewBefore";
    /** Renewed at the last safe moment: 1/20 of the lifetime before expiry. */
    public static final String EMERGENCY = "emergency";

    /** Lifetimes below this renew at half, not at a third (6-day certificates get 3 days of retries). */
    static final Duration SHORT_LIFETIME = Duration.ofDays(10);
    private static final Duration MAX_JITTER = Duration.ofHours(1);

    private final @Nullable Duration renewBefore;

    /**
     * When to renew, decided once per certificate and window.
     *
     * @param at     the moment
     * @param reason {@link #ARI_WINDOW}, {@link #LIFETIME}, {@link #RENEW_BEFORE} or {@link #EMERGENCY}
     */
    public record Decision(Instant at, String reason) {
    }

    /** @param renewBefore a fixed margin before expiry, or empty for the lifetime rule */
    public RenewalPolicy(Optional<Duration> renewBefore) {
        this.renewBefore = renewBefore.orElse(null);
    }

    /**
     * @param certificate the certificate being served
     * @param window      the CA's renewal window, or {@code null} when the CA has none (or none was fetched yet)
     * @param now         the time of the decision
     * @param random      where the jitter and the instant inside the window come from
     * @return when to renew it, and why
     */
    public Decision decide(CertifiedKey certificate, @Nullable RenewalWindow window, Instant now, RandomGenerator random) {
        Duration lifetime = Duration.between(certificate.notBefore(), certificate.notAfter());
        Decision d;
        if (window != null) {
            long span = Duration.between(window.start(), window.end()).toMillis();
            d = new Decision(window.start().isAfter(now) ? window.start().plusMillis(span <= 0 ? 0 : random.nextLong(span)) : now,
                    ARI_WINDOW);
        } else if (renewBefore != null && renewBefore.compareTo(lifetime) < 0) {
            d = new Decision(certificate.notAfter().minus(renewBefore).minus(jitter(lifetime, random)), RENEW_BEFORE);
        } else {
            Duration margin = lifetime.compareTo(SHORT_LIFETIME) < 0 ? lifetime.dividedBy(2) : lifetime.dividedBy(3);
            d = new Decision(certificate.notAfter().minus(margin).minus(jitter(lifetime, random)), LIFETIME);
        }
        Instant emergency = certificate.notAfter().minus(lifetime.dividedBy(20));
        return d.at().isAfter(emergency) ? new Decision(emergency, EMERGENCY) : d;
    }

    /**
     * The decision when the CA gives its window again: the current one while it lies inside that window (the
     * instant is drawn once per window, not at every check), else {@link #decide}.
     *
     * @param certificate the certificate being served
     * @param window      the CA's renewal window
     * @param current     the decision so far, or {@code null}
     * @param now         the time
     * @param random      where a new instant comes from
     * @return the decision to follow
     */
    public Decision follow(CertifiedKey certificate, RenewalWindow window, @Nullable Decision current, Instant now,
                           RandomGenerator random) {
        boolean inside = current != null && ARI_WINDOW.equals(current.reason())
                && !current.at().isBefore(window.start()) && current.at().isBefore(window.end());
        return inside ? current : decide(certificate, window, now, random);
    }

    private static Duration jitter(Duration lifetime, RandomGenerator random) {
        long bound = Math.min(lifetime.dividedBy(50).toMillis(), MAX_JITTER.toMillis());
        return Duration.ofMillis(bound <= 0 ? 0 : random.nextLong(bound));
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
