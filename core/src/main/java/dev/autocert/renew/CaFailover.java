package dev.autocert.renew;

/**
 * Which CA of the {@code directory} list an attempt for one certificate goes to, as pure functions of its
 * consecutive failed attempts: {@code caFailoverAfter} failures in a row at one CA move it to the next (after the
 * last, to the first again), and a success starts the next renewal at the first. The back-off counts only the
 * failures at the CA the next attempt goes to, so the first attempt at the next CA follows after {@code retryDelay}
 * instead of the long delay the previous CA earned, and a CA asked again after a round resumes its own doubling.
 * With one CA every function is the identity of today's rule: one CA, the back-off counts every failure.
 *
 * @param cas   how many CAs {@code directory} lists, at least 1
 * @param after {@code caFailoverAfter}, at least 1
 */
public record CaFailover(int cas, int after) {

    /**
     * @param failures the certificate's consecutive failed attempts
     * @return the index (from 0) of the CA the next attempt goes to
     */
    public int next(int failures) {
        return failures / after % cas;
    }

    /**
     * @param failures the certificate's consecutive failed attempts, counting the one just made
     * @return whether that failure moves the next attempt to another CA
     */
    public boolean movesOn(int failures) {
        return cas > 1 && failures > 0 && failures % after == 0;
    }

    /**
     * @param failures the certificate's consecutive failed attempts, at least 1
     * @return the failures to back off for: those made so far at the CA the next attempt goes to, at least 1
     */
    public int backoffFailures(int failures) {
        return Math.max(1, failures / after / cas * after + failures % after);
    }
}
