package dev.autocert.acme;

import dev.autocert.store.Store;
import org.shredzone.acme4j.toolbox.AcmeUtils;
import org.shredzone.acme4j.toolbox.JoseUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The RFC 7638 thumbprint of the stored account key, for stateless HTTP-01 ({@code http01Stateless}): the key
 * authorization of any token is {@code token + "." + thumbprint}, so a node can answer without knowing the
 * token. Read from the store and kept for a minute (a key rollover on another node is seen within that).
 */
public final class AccountThumbprint {

    private static final Logger LOG = LoggerFactory.getLogger(AccountThumbprint.class);
    private static final Duration KEEP = Duration.ofMinutes(1);

    private final Store store;
    private final URI directory;
    private final Clock clock;
    private String thumbprint;
    private Instant readAt = Instant.MIN;

    /**
     * @param store     where the account key is
     * @param directory the CA whose account it is
     */
    public AccountThumbprint(Store store, URI directory) {
        this(store, directory, Clock.systemUTC());
    }

    AccountThumbprint(Store store, URI directory, Clock clock) {
        this.store = store;
        this.directory = directory;
        this.clock = clock;
    }

    /** @return the thumbprint (base64url), or {@code null} while no account key is stored */
    public synchronized String current() {
        Instant now = clock.instant();
        if (thumbprint != null && now.isBefore(readAt.plus(KEEP))) {
            return thumbprint;
        }
        try {
            Optional<KeyPair> key = store.loadAccountKey(directory);
            thumbprint = key.map(k -> AcmeUtils.base64UrlEncode(JoseUtils.thumbprint(k.getPublic()))).orElse(null);
            readAt = now;
        } catch (IOException e) {
            LOG.warn("Cannot read the account key for stateless HTTP-01 answers: {}", e.getMessage());
        }
        return thumbprint;
    }
}
