package dev.autocert.challenge;

import dev.autocert.config.ChallengeType;
import org.shredzone.acme4j.challenge.Challenge;

/**
 * Publishes the answer to one kind of challenge where the CA will look for it. One solver per
 * challenge type; adapters enable the ones their container can answer.
 */
public interface ChallengeSolver {

    /** @return the challenge type this solver answers */
    ChallengeType type();

    /**
     * Publishes the answer. Called before the challenge is triggered.
     *
     * @param domain    the identifier being validated
     * @param challenge the CA's challenge of {@link #type()}
     * @return what removes the answer again once validation is over (success or not)
     * @throws Exception when the answer cannot be published; the caller explains it
     */
    Published publish(String domain, Challenge challenge) throws Exception;

    /**
     * @param challenge a challenge the issuer hands to the solver of its type
     * @param type      the acme4j class of that type
     * @param <T>       that class
     * @return the challenge as that class
     * @throws IllegalArgumentException when the issuer handed over another type (a bug, not a CA's doing)
     */
    static <T extends Challenge> T as(Challenge challenge, Class<T> type) {
        if (!type.isInstance(challenge)) {
            throw new IllegalArgumentException("a " + challenge.getType() + " challenge reached the solver of " + type.getSimpleName());
        }
        return type.cast(challenge);
    }

    /** Removes a published answer. */
    @FunctionalInterface
    interface Published extends AutoCloseable {
        @Override
        void close();

        /**
         * Blocks until the CA can see the answer (DNS-01: until the zone's servers answer the TXT record).
         * Called after every answer of an order is published, before any challenge is triggered.
         *
         * @throws Exception when it does not become visible; the caller explains it
         */
        default void awaitVisible() throws Exception {
            // answers held in memory are visible at once
        }
    }
}
