package dev.autocert.challenge;

import dev.autocert.config.ChallengeType;
import dev.autocert.store.SharedChallenges;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers another node of the cluster published: what {@link ChallengeBoard} asks when a token or an
 * {@code acme-tls/1} name is not on its own board. Only requests in the challenge space get here (ordinary
 * requests stop at the path prefix check; ordinary handshakes never ask the board). Each answer, and each miss,
 * is remembered briefly, so a scanner hammering random tokens costs one query per token and second, and the
 * CA's repeated fetches of one token (several vantage points) cost one query. A store that cannot be read
 * counts as a miss.
 */
public final class SharedAnswers {

    private static final Logger LOG = LoggerFactory.getLogger(SharedAnswers.class);
    /** How long a miss is remembered: short, since the answer may be published a moment later. */
    static final Duration MISS_TTL = Duration.ofSeconds(1);
    /** How long a found answer is remembered: a validation takes seconds. */
    static final Duration HIT_TTL = Duration.ofSeconds(30);
    private static final int MAX_ENTRIES = 10_000;

    private final SharedChallenges shared;
    private final Clock clock;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final Map<String, CertifiedKey> certificates = new ConcurrentHashMap<>();
    private volatile boolean failing;

    private record Entry(String keyAuthorization, Instant until) {
    }

    /** @param shared where the cluster's answers are */
    public SharedAnswers(SharedChallenges shared) {
        this(shared, Clock.systemUTC());
    }

    SharedAnswers(SharedChallenges shared, Clock clock) {
        this.shared = shared;
        this.clock = clock;
    }

    /**
     * @param token an HTTP-01 token (well-formed: the responder checked it)
     * @return the key authorization another node published, or {@code null}
     */
    public String http01(String token) {
        return find(ChallengeType.HTTP_01, token);
    }

    /**
     * @param identifier the identifier an {@code acme-tls/1} handshake validates: its server name, or the address its
     *                   reverse-DNS server name stands for ({@link ChallengeBoard#tlsAlpn01})
     * @return the RFC 8737 certificate for another node's pending TLS-ALPN-01 answer, or {@code null}
     */
    public CertifiedKey tlsAlpn01(String identifier) {
        String domain = identifier.toLowerCase(Locale.ROOT);
        String keyAuthorization = find(ChallengeType.TLS_ALPN_01, domain);
        if (keyAuthorization == null) {
            return null;
        }
        if (certificates.size() > MAX_ENTRIES) {
            certificates.clear();
        }
        return certificates.computeIfAbsent(domain + " " + keyAuthorization, k -> SelfSigned.tlsAlpn01(domain, keyAuthorization));
    }

    private String find(ChallengeType type, String key) {
        String cacheKey = type.acmeName() + " " + key;
        Instant now = clock.instant();
        Entry cached = cache.get(cacheKey);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.keyAuthorization();
        }
        String found = null;
        try {
            found = shared.find(type, key).orElse(null);
            if (failing) {
                failing = false;
                LOG.info("Shared challenge answers can be read again");
            }
        } catch (IOException e) {
            if (!failing) {
                failing = true;
                LOG.warn("Cannot read the challenge answers of the other nodes; answering only this node's: {}", e.getMessage());
            }
        }
        if (cache.size() > MAX_ENTRIES) {
            cache.clear();
        }
        cache.put(cacheKey, new Entry(found, now.plus(found == null ? MISS_TTL : HIT_TTL)));
        return found;
    }
}
