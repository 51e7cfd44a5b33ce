package dev.autocert.store;

import dev.autocert.tls.CertifiedKey;

import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where account keys and certificates survive a restart. Every write is all-or-nothing; a failed
 * write leaves the previous state readable.
 */
public interface Store {

    /**
     * @param directory the ACME directory the account belongs to
     * @return the account key, if one was saved for that CA
     * @throws IOException when the store cannot be read
     */
    Optional<KeyPair> loadAccountKey(URI directory) throws IOException;

    /**
     * @param directory the ACME directory the account belongs to
     * @param keys      the account key pair
     * @throws IOException when the store cannot be written
     */
    void saveAccountKey(URI directory, KeyPair keys) throws IOException;

    /**
     * Saves a new account key unless one exists already: nodes of a cluster starting at once each make one,
     * and all must end up with the same account.
     *
     * @param directory the ACME directory the account belongs to
     * @param keys      a new key pair
     * @return the key pair now saved for that CA: {@code keys}, or the one saved before
     * @throws IOException when the store cannot be read or written
     */
    default KeyPair saveAccountKeyIfAbsent(URI directory, KeyPair keys) throws IOException {
        Optional<KeyPair> saved = loadAccountKey(directory);
        if (saved.isPresent()) {
            return saved.get();
        }
        saveAccountKey(directory, keys);
        return keys;
    }

    /**
     * @param name a certificate's name ({@link dev.autocert.config.CertificateSpec#name()})
     * @return the stored certificate with its key, if any and readable
     * @throws IOException when the store cannot be read
     */
    Optional<CertifiedKey> loadCertificate(String name) throws IOException;

    /**
     * @param name        a certificate's name
     * @param certificate the certificate with its key
     * @throws IOException when the store cannot be written
     */
    void saveCertificate(String name, CertifiedKey certificate) throws IOException;

    /**
     * @param name a certificate's name
     * @return until when the CA refuses orders for it (a rate limit with {@code Retry-After}), if it said so
     * @throws IOException when the store cannot be read
     */
    Optional<Instant> loadRateLimit(String name) throws IOException;

    /**
     * Remembers a rate limit across restarts, so a restart does not ask the CA before the limit lifts.
     *
     * @param name  a certificate's name
     * @param until when the limit lifts, or empty once an order succeeded
     * @throws IOException when the store cannot be written
     */
    void saveRateLimit(String name, Optional<Instant> until) throws IOException;

    /**
     * Remembers a rate limit with the CA that set it: with several CAs in {@code directory}, a restart only waits for
     * it when its first attempt goes to that CA.
     *
     * @param name  a certificate's name
     * @param until when the limit lifts
     * @param by    the directory URL of the CA that set it
     * @throws IOException when the store cannot be written
     */
    default void saveRateLimit(String name, Instant until, URI by) throws IOException {
        saveRateLimit(name, Optional.of(until));
    }

    /**
     * @param name a certificate's name
     * @return the CA that set the rate limit {@link #loadRateLimit} returns, when the store kept it
     * @throws IOException when the store cannot be read
     */
    default Optional<URI> loadRateLimitedBy(String name) throws IOException {
        return Optional.empty();
    }

    /**
     * @param name a certificate's name
     * @return the renewal decision stored for it; a store that keeps none makes every start decide anew
     * @throws IOException when the store cannot be read
     */
    default Optional<StoredSchedule> loadSchedule(String name) throws IOException {
        return Optional.empty();
    }

    /**
     * Remembers the renewal decision of the certificate stored under {@code name}.
     *
     * @param name     a certificate's name
     * @param schedule the decision
     * @throws IOException when the store cannot be written
     */
    default void saveSchedule(String name, StoredSchedule schedule) throws IOException {
        // a store that keeps no schedule decides again at the next start
    }

    /**
     * @param directory a CA's directory URL
     * @return the validations that CA refused in the last hour, by name, as {@link #saveValidationFailures} kept them;
     *         a store that keeps none starts every run with the full budget
     * @throws IOException when the store cannot be read
     */
    default Map<String, List<Instant>> loadValidationFailures(URI directory) throws IOException {
        return Map.of();
    }

    /**
     * Keeps the validations a CA refused within the last hour, so a restart does not reset the failed-validation
     * budget that protects the CA's limit.
     *
     * @param directory a CA's directory URL
     * @param failures  the refused validations by name, each list in time order; replaces what was kept
     * @throws IOException when the store cannot be written
     */
    default void saveValidationFailures(URI directory, Map<String, List<Instant>> failures) throws IOException {
        // a store that keeps none lets a restart spend the budget again
    }

    /**
     * @return the names of the certificates obtained on demand (at a handshake, not listed in {@code domains}), so a
     *         restart serves and renews them without asking for approval again; a store that keeps none forgets them
     * @throws IOException when the store cannot be read
     */
    default Set<String> loadOnDemandNames() throws IOException {
        return Set.of();
    }

    /**
     * Marks the certificate stored under {@code name} as obtained on demand, or no longer so.
     *
     * @param name     a certificate's name
     * @param onDemand whether it is an on-demand certificate
     * @throws IOException when the store cannot be written
     */
    default void saveOnDemand(String name, boolean onDemand) throws IOException {
        // a store that keeps no on-demand names asks for approval again after a restart
    }

    /**
     * @param name a certificate's name
     * @return where the stored certificate can be read as files (a store that keeps none elsewhere writes them
     *         to a local folder)
     */
    CertificateFiles files(String name);
}
