package dev.autocert.challenge;

import dev.autocert.config.ChallengeType;
import dev.autocert.store.SharedChallenges;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TokenChallenge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Locale;

/**
 * A board solver ({@link BoardSolvers}) that also publishes its answer to the cluster's shared store, so the
 * node the CA's request lands on can answer it ({@link SharedAnswers}). A failure to publish fails the
 * challenge before the CA is asked: behind a balancer, the CA would most likely reach a node that cannot
 * answer, and a failed validation costs more than a retry.
 */
public final class SharedSolver implements ChallengeSolver {

    private static final Logger LOG = LoggerFactory.getLogger(SharedSolver.class);

    private final ChallengeSolver board;
    private final SharedChallenges shared;

    /**
     * @param board  the HTTP-01 or TLS-ALPN-01 board solver
     * @param shared where every node reads answers
     */
    public SharedSolver(ChallengeSolver board, SharedChallenges shared) {
        if (board.type() != ChallengeType.HTTP_01 && board.type() != ChallengeType.TLS_ALPN_01) {
            throw new IllegalArgumentException("only HTTP-01 and TLS-ALPN-01 answers are shared, not " + board.type());
        }
        this.board = board;
        this.shared = shared;
    }

    @Override
    public ChallengeType type() {
        return board.type();
    }

    @Override
    public Published publish(String domain, Challenge challenge) throws Exception {
        TokenChallenge token = ChallengeSolver.as(challenge, TokenChallenge.class);
        String key = key(domain, challenge);
        Published local = board.publish(domain, challenge);
        try {
            shared.put(type(), key, token.getAuthorization());
        } catch (IOException e) {
            local.close();
            throw new IOException("cannot share the " + type().acmeName() + " answer for " + domain
                    + " with the other nodes: " + e.getMessage(), e);
        }
        return () -> {
            local.close();
            try {
                shared.remove(type(), key);
            } catch (IOException e) {
                LOG.warn("Cannot remove the shared {} answer for {}; it expires by itself: {}", type().acmeName(), domain, e.getMessage());
            }
        };
    }

    /** @return the token for HTTP-01, the lower-case domain for TLS-ALPN-01: what the CA's request carries */
    static String key(String domain, Challenge challenge) {
        return challenge instanceof Http01Challenge http ? http.getToken() : domain.toLowerCase(Locale.ROOT);
    }
}
