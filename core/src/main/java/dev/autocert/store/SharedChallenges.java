package dev.autocert.store;

import dev.autocert.config.ChallengeType;

import java.io.IOException;
import java.util.Optional;

/**
 * Challenge answers in a store every node reads, so the node the CA's request lands on can answer it: the key
 * authorization of an HTTP-01 token, or of a TLS-ALPN-01 name (each node builds the RFC 8737 certificate
 * itself). Key authorizations are public by design (the CA fetches them over plain HTTP), so they are not
 * encrypted.
 */
public interface SharedChallenges {

    /**
     * @param type             {@link ChallengeType#HTTP_01} or {@link ChallengeType#TLS_ALPN_01}
     * @param key              the token (HTTP-01) or the lower-case domain (TLS-ALPN-01)
     * @param keyAuthorization the answer
     * @throws IOException when the store cannot be written
     */
    void put(ChallengeType type, String key, String keyAuthorization) throws IOException;

    /**
     * @param type the challenge type
     * @param key  the token or domain whose validation is over
     * @throws IOException when the store cannot be written
     */
    void remove(ChallengeType type, String key) throws IOException;

    /**
     * @param type the challenge type
     * @param key  a token or domain from a request
     * @return the key authorization, if some node published one that has not expired
     * @throws IOException when the store cannot be read
     */
    Optional<String> find(ChallengeType type, String key) throws IOException;
}
